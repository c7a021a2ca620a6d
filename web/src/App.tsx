import { lazy, Suspense, type ReactNode } from 'react';
import { Header } from './components/Dashboard/Header';
import { MetricsGrid } from './components/Dashboard/MetricsGrid';
import { ProgressBar } from './components/Dashboard/ProgressBar';
import { RunNotice } from './components/Dashboard/RunNotice';
import { PanelFallback } from './components/common/Panel';
import { CriticalAlerts } from './components/Monitoring/CriticalAlerts';
import { Toasts } from './components/Monitoring/Toasts';
import { useRunInUrl } from './hooks/useRunInUrl';
import { useRunList } from './hooks/useRunList';
import { useWebSocket } from './hooks/useWebSocket';
import { useMonitoring, viewingLive } from './store/monitoring';

// Charts and the large tables load in their own chunks, after the first paint of the header and figures.
const loadLossChart = () => import('./components/Charts/LossChart');
const loadMetricsChart = () => import('./components/Charts/MetricsChart');
const LossChart = lazy(loadLossChart);
const MetricsChart = lazy(loadMetricsChart);
const ConfusionMatrix = lazy(() => import('./components/Charts/ConfusionMatrix'));
const ClassPerformance = lazy(() => import('./components/Charts/ClassPerformance'));
const GPUStats = lazy(() => import('./components/Monitoring/GPUStats'));
const EpochDetails = lazy(() => import('./components/Monitoring/EpochDetails'));

/**
 * Starts loading the two charts' chunks now (a link to a run is opened for its curves: they download while the page
 * renders its first frame instead of after it). The lazy components then find them loaded or on the way.
 */
export function preloadCharts(): void {
  void loadLossChart();
  void loadMetricsChart();
}

function Lazy({ title, children, className = '' }: { title: string; children: ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <Suspense fallback={<PanelFallback title={title} />}>{children}</Suspense>
    </div>
  );
}

export function App() {
  useWebSocket();
  useRunList();
  useRunInUrl();
  // Progress is the live run's; a pinned run's notice takes its place.
  const live = useMonitoring(viewingLive);
  return (
    <div className="min-h-screen">
      <Header />
      <main className="mx-auto flex max-w-[1800px] flex-col gap-3 p-3">
        <RunNotice />
        {live && <ProgressBar />}
        <MetricsGrid />
        <div data-testid="dashboard-grid" className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
          <Lazy title="Loss">
            <LossChart />
          </Lazy>
          <Lazy title="Metrics">
            <MetricsChart />
          </Lazy>
          <div className="min-w-0">
            <CriticalAlerts />
          </div>
          <Lazy title="Confusion matrix" className="md:col-span-2">
            <ConfusionMatrix />
          </Lazy>
          <Lazy title="Class performance">
            <ClassPerformance />
          </Lazy>
          <Lazy title="System">
            <GPUStats />
          </Lazy>
          <Lazy title="Epochs" className="md:col-span-1 xl:col-span-2">
            <EpochDetails />
          </Lazy>
        </div>
      </main>
      <Toasts />
    </div>
  );
}
