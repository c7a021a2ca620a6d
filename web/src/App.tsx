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
import { preloadable } from './lib/preloadable';
import { useMonitoring, viewingLive } from './store/monitoring';

// Charts and the large tables load in their own chunks. The two charts' chunks are hinted in index.html
// (vite.config.ts) and awaited by the first render (main.tsx); the tables load after the first paint.
const lossChart = preloadable(() => import('./components/Charts/LossChart'));
const metricsChart = preloadable(() => import('./components/Charts/MetricsChart'));
const LossChart = lossChart.Component;
const MetricsChart = metricsChart.Component;
const ConfusionMatrix = lazy(() => import('./components/Charts/ConfusionMatrix'));
const ClassPerformance = lazy(() => import('./components/Charts/ClassPerformance'));
const GPUStats = lazy(() => import('./components/Monitoring/GPUStats'));
const EpochDetails = lazy(() => import('./components/Monitoring/EpochDetails'));

/** Loads the two charts' chunks (or joins their loads); once settled, the charts render without suspending. */
export function preloadCharts(): Promise<void> {
  return Promise.all([lossChart.preload(), metricsChart.preload()]).then(() => undefined);
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
          {/* Two columns: the conditions take a row of their own, as the matrix below does, so no cell stays empty. */}
          <div className="min-w-0 md:col-span-2 xl:col-span-1">
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
          <Lazy title="Epochs" className="md:col-span-2">
            <EpochDetails />
          </Lazy>
        </div>
      </main>
      <Toasts />
    </div>
  );
}
