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
