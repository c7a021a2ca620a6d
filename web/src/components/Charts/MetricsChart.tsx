import { SeriesChart, type SeriesSpec } from './SeriesChart';

const specs: SeriesSpec[] = [
  { name: 'accuracy/train', label: 'acc train' },
  { name: 'accuracy/val', label: 'acc val' },
  { name: 'auc_roc/macro', label: 'AUC macro' },
  { name: 'auc_roc/weighted', label: 'AUC weighted' },
  { name: 'f1_score', label: 'F1' },
];

/** Accuracy, AUC-ROC and F1 over the run. */
export default function MetricsChart() {
  return <SeriesChart title="Metrics" specs={specs} testId="metrics-chart" exportName="metrics" />;
}
