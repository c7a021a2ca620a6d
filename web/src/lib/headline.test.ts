import { describe, expect, it } from 'vitest';
import type { MetricsUpdate } from '../api/types';
import { headlineFromEpoch, headlineFromMetrics, headlinePair, memoHeadlinePair } from './headline';

describe('headline figures', () => {
  it('reads a live update: validation accuracy when known, else training', () => {
    const update = {
      metrics: { loss: { train: 0.4 }, accuracy: { train: 0.7 }, auc_roc: { macro: 0.9, weighted: 0.91 }, f1_score: 0.6, learning_rate: 0.001 },
    } as MetricsUpdate;
    expect(headlineFromMetrics(update)).toEqual({ lossTrain: 0.4, lossVal: undefined, accuracy: 0.7, aucMacro: 0.9, aucWeighted: 0.91, f1: 0.6, learningRate: 0.001 });
    expect(headlineFromMetrics({ ...update, metrics: { ...update.metrics, accuracy: { train: 0.7, val: 0.65 } } })?.accuracy).toBe(0.65);
    expect(headlineFromMetrics(null)).toBeUndefined();
  });

  it('reads a stored epoch', () => {
    expect(headlineFromEpoch({ epoch: 2, train_loss: 0.5, val_loss: 'NaN', accuracy: 0.8, auroc_macro: 0.9, auroc_weighted: 0.92, f1_macro: 0.7, learning_rate: 1e-4 })).toEqual({
      lossTrain: 0.5, lossVal: 'NaN', accuracy: 0.8, aucMacro: 0.9, aucWeighted: 0.92, f1: 0.7, learningRate: 1e-4,
    });
    expect(headlineFromEpoch(undefined)).toBeUndefined();
  });
});

describe('headline pair', () => {
  const update = (loss: number) => ({ metrics: { loss: { train: loss }, accuracy: {}, auc_roc: {} } }) as MetricsUpdate;
  const epochs = [
    { epoch: 1, train_loss: 0.9 },
    { epoch: 2, train_loss: 0.7 },
  ];

  it('takes the live run its last two updates and a stored run its last two epochs', () => {
    const live = headlinePair({ live: true, metrics: update(0.5), previousMetrics: update(0.6), epochs });
    expect([live[0]?.lossTrain, live[1]?.lossTrain]).toEqual([0.5, 0.6]);
    const stored = headlinePair({ live: false, metrics: update(0.5), previousMetrics: update(0.6), epochs });
    expect([stored[0]?.lossTrain, stored[1]?.lossTrain]).toEqual([0.7, 0.9]);
  });

  it('builds the pair once while its inputs are the same objects', () => {
    const read = memoHeadlinePair();
    const source = { live: true, metrics: update(0.5), previousMetrics: update(0.6), epochs };
    const first = read(source);
    expect(read({ ...source })).toBe(first);
    const next = read({ ...source, previousMetrics: source.metrics, metrics: update(0.4) });
    expect(next).not.toBe(first);
    expect(next[0]?.lossTrain).toBe(0.4);
    expect(read({ ...source, live: false })[0]?.lossTrain).toBe(0.7);
  });
});
