/** A stored series a chart draws, and its legend label. */
export interface SeriesSpec {
  name: string;
  label: string;
}

// The charts' series live here, outside the charts' lazy chunks, so their history can be prefetched at page load.
export const LOSS_SPECS: readonly SeriesSpec[] = [
  { name: 'loss/train', label: 'train' },
  { name: 'loss/val', label: 'val' },
];
export const METRICS_SPECS: readonly SeriesSpec[] = [
  { name: 'accuracy/train', label: 'acc train' },
  { name: 'accuracy/val', label: 'acc val' },
  { name: 'auc_roc/macro', label: 'AUC macro' },
  { name: 'auc_roc/weighted', label: 'AUC weighted' },
  { name: 'f1_score', label: 'F1' },
];

/** Buckets a chart asks for on first load: enough for a wide chart, few enough to draw in milliseconds. */
export const HISTORY_POINTS = 2000;
