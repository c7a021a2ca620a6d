import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { batchesPerEpochOf, formatStartTime, runLabel } from './runs';

// Reads the instant in UTC, so the expected text does not depend on the machine's time zone.
const utc = (ms: number) => {
  const d = new Date(ms);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
};

const run = (over: Partial<Run> = {}): Run => ({
  id: 'r1', name: 'r1', state: 'completed', source: 'vigil', created_at: '2026-11-23T09:05:00Z', updated_at: '2026-11-23T10:00:00Z',
  config: null, hyperparameters: null, ...over,
});

describe('runs', () => {
  it('labels a run with its name, id when different, state and start time', () => {
    expect(runLabel(run(), utc)).toBe('r1 · completed · 2026-11-23 09:05');
    expect(runLabel(run({ id: 'ext-1', name: 'lightning', state: 'running' }), utc)).toBe('lightning (ext-1) · running · 2026-11-23 09:05');
    expect(runLabel(run({ name: null }), utc)).toBe('r1 · completed · 2026-11-23 09:05');
  });

  it('shows an unparseable start time as it came', () => {
    expect(formatStartTime('soon')).toBe('soon');
  });

  it('finds batches per epoch in the config, else from an epoch that carries its global step', () => {
    expect(batchesPerEpochOf(run({ config: { batches_per_epoch: 120 } }), [])).toBe(120);
    expect(batchesPerEpochOf(run(), [{ epoch: 1, global_step: 50 }, { epoch: 2, global_step: 100 }])).toBe(50);
    expect(batchesPerEpochOf(undefined, [{ epoch: 1 }])).toBeNull();
  });
});
