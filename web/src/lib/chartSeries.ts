/** A stored series a chart draws, and its legend label. */
export interface SeriesSpec {
  name: string;
  label: string;
  /**
   * A second y axis (on the right) for series of another magnitude, named by its label; absent: the chart's left axis.
   */
  axis?: string;
}

// The charts' series live here, outside the charts' lazy chunks, so their history can be prefetched at page load.
export const LOSS_SPECS: readonly SeriesSpec[] = [
  { name: 'loss/train', label: 'train' },
  { name: 'loss/val', label: 'val' },
  // The VAE's loss (a reconstruction error summed over pixels) is hundreds of times the classifier's: its own axis.
  { name: 'vae_loss/train', label: 'VAE train', axis: 'VAE loss' },
  { name: 'vae_loss/val', label: 'VAE val', axis: 'VAE loss' },
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
