import { METRICS_SPECS } from '../../lib/chartSeries';
import { SeriesChart } from './SeriesChart';

/** Accuracy, AUC-ROC and F1 over the run. */
export default function MetricsChart() {
  return <SeriesChart title="Metrics" specs={METRICS_SPECS} testId="metrics-chart" exportName="metrics" />;
}
