import type { EpochRecord, MetricsUpdate, Num } from '../api/types';

/** The headline figures the metrics grid shows, from a live metrics_update or from a stored epoch. */
export interface Headline {
  lossTrain: Num | undefined;
  lossVal: Num | undefined;
  accuracy: Num | undefined;
  aucMacro: Num | undefined;
  aucWeighted: Num | undefined;
  f1: Num | undefined;
  learningRate: Num | undefined;
}

export function headlineFromMetrics(update: MetricsUpdate | null | undefined): Headline | undefined {
  if (!update) return undefined;
  const m = update.metrics;
  return {
    lossTrain: m.loss.train,
    lossVal: m.loss.val,
    accuracy: m.accuracy.val ?? m.accuracy.train,
    aucMacro: m.auc_roc.macro,
    aucWeighted: m.auc_roc.weighted,
    f1: m.f1_score,
    learningRate: m.learning_rate,
  };
}

export function headlineFromEpoch(epoch: EpochRecord | undefined): Headline | undefined {
  if (!epoch) return undefined;
  return {
    lossTrain: epoch.train_loss,
    lossVal: epoch.val_loss,
    accuracy: epoch.accuracy,
    aucMacro: epoch.auroc_macro,
    aucWeighted: epoch.auroc_weighted,
    f1: epoch.f1_macro,
    learningRate: epoch.learning_rate,
  };
}

/** What the metrics grid reads its figures from. */
export interface HeadlineSource {
  /** Whether the viewed run is the live one (figures from live updates, else from its stored epochs). */
  live: boolean;
  metrics: MetricsUpdate | null;
  previousMetrics: MetricsUpdate | null;
  epochs: readonly EpochRecord[];
}

/** The figures shown now and the ones before them (for trends): the live run's last two updates, or the last two epochs. */
export function headlinePair(source: HeadlineSource): [Headline | undefined, Headline | undefined] {
  return source.live
    ? [headlineFromMetrics(source.metrics), headlineFromMetrics(source.previousMetrics)]
    : [headlineFromEpoch(source.epochs.at(-1)), headlineFromEpoch(source.epochs.at(-2))];
}

/**
 * {@link headlinePair} remembering its last answer while its inputs are the same objects: the grid's seven figures
 * each read it on every update, and the pair is built once.
 */
export function memoHeadlinePair(): (source: HeadlineSource) => [Headline | undefined, Headline | undefined] {
  let last: { source: HeadlineSource; pair: [Headline | undefined, Headline | undefined] } | null = null;
  return (source) => {
    const s = last?.source;
    if (last && s && s.live === source.live && s.metrics === source.metrics && s.previousMetrics === source.previousMetrics && s.epochs === source.epochs) return last.pair;
    last = { source, pair: headlinePair(source) };
    return last.pair;
  };
}
