import type { HistoryBucket } from '../api/types';

/** One series as the charts draw it: per bucket the step of its last point, its last value and its min/max. */
export interface SeriesData {
  steps: number[];
  last: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export function emptySeries(): SeriesData {
  return { steps: [], last: [], min: [], max: [] };
}

/** History buckets (`/api/metrics/history`) as series data, x at each bucket's last step. */
export function fromBuckets(buckets: readonly HistoryBucket[]): SeriesData {
  const out = emptySeries();
  return appendBuckets(out, buckets);
}

/** Appends buckets that lie after the series' last step (incremental fetches may overlap by one). */
export function appendBuckets(data: SeriesData, buckets: readonly HistoryBucket[]): SeriesData {
  const lastStep = data.steps.length > 0 ? data.steps[data.steps.length - 1]! : -Infinity;
  const fresh = buckets.filter((b) => b.last_step > lastStep);
  if (fresh.length === 0) return data;
  return {
    steps: data.steps.concat(fresh.map((b) => b.last_step)),
    last: data.last.concat(fresh.map((b) => b.last)),
    min: data.min.concat(fresh.map((b) => b.min)),
    max: data.max.concat(fresh.map((b) => b.max)),
  };
}

export function lastStep(data: SeriesData | undefined): number | null {
  return data && data.steps.length > 0 ? data.steps[data.steps.length - 1]! : null;
}

/**
 * Puts several series on one x axis (the union of their steps), with null where a series has no point, as uPlot
 * wants. Steps are merged in order; inputs are each sorted.
 */
export function alignSeries(series: readonly SeriesData[]): { x: number[]; columns: { last: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[] } {
  const set = new Set<number>();
  for (const s of series) for (const x of s.steps) set.add(x);
  const x = [...set].sort((a, b) => a - b);
  const index = new Map<number, number>();
  x.forEach((v, i) => index.set(v, i));
  const columns = series.map((s) => {
    const last = new Array<number | null>(x.length).fill(null);
    const min = new Array<number | null>(x.length).fill(null);
    const max = new Array<number | null>(x.length).fill(null);
    s.steps.forEach((step, i) => {
      const j = index.get(step)!;
      last[j] = s.last[i] ?? null;
      min[j] = s.min[i] ?? null;
      max[j] = s.max[i] ?? null;
    });
    return { last, min, max };
  });
  return { x, columns };
}

export type XMode = 'step' | 'epoch' | 'time';

/** A (step, unix seconds) anchor: run start, each epoch's end, the latest status. */
export interface TimeAnchor {
  step: number;
  time: number;
}

/** Maps steps to the chosen x unit: epochs (fractional) from the batches per epoch, wall time by interpolation. */
export function stepsToX(steps: readonly number[], mode: XMode, batchesPerEpoch: number | null, anchors: readonly TimeAnchor[]): number[] {
  if (mode === 'epoch' && batchesPerEpoch && batchesPerEpoch > 0) return steps.map((s) => s / batchesPerEpoch);
  if (mode === 'time' && anchors.length >= 2) return steps.map((s) => interpolateTime(s, anchors));
  return steps.slice();
}

export function interpolateTime(step: number, anchors: readonly TimeAnchor[]): number {
  // anchors sorted by step; extrapolate with the nearest segment's rate
  let i = 1;
  while (i < anchors.length - 1 && anchors[i]!.step < step) i++;
  const a = anchors[i - 1]!;
  const b = anchors[i]!;
  if (b.step === a.step) return b.time;
  return a.time + ((step - a.step) * (b.time - a.time)) / (b.step - a.step);
}
