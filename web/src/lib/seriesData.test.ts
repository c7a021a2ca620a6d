import { describe, expect, it } from 'vitest';
import type { HistoryBucket } from '../api/types';
import { alignSeries, appendBuckets, fromBuckets, interpolateTime, stepsToX } from './seriesData';

const b = (step: number, last: number, min = last, max = last): HistoryBucket => ({ first_step: step, last_step: step, min, max, last, count: 1 });

describe('series data', () => {
  it('reads buckets at their last step with their envelope', () => {
    const d = fromBuckets([b(10, 1, 0.5, 2), b(20, 0.8)]);
    expect(d.steps).toEqual([10, 20]);
    expect(d.min).toEqual([0.5, 0.8]);
    expect(d.max).toEqual([2, 0.8]);
  });

  it('appends only buckets after the last step (incremental fetches may overlap)', () => {
    const d = fromBuckets([b(10, 1), b(20, 0.8)]);
    const next = appendBuckets(d, [b(20, 0.8), b(30, 0.7)]);
    expect(next.steps).toEqual([10, 20, 30]);
    expect(appendBuckets(next, [b(30, 0.7)])).toBe(next);
  });

  it('aligns series on the union of their steps with gaps as null', () => {
    const { x, columns } = alignSeries([fromBuckets([b(1, 1), b(3, 3)]), fromBuckets([b(2, 2), b(3, 30)])]);
    expect(x).toEqual([1, 2, 3]);
    expect(columns[0]!.last).toEqual([1, null, 3]);
    expect(columns[1]!.last).toEqual([null, 2, 30]);
  });

  it('maps steps to epochs and to wall time', () => {
    expect(stepsToX([0, 50, 100], 'epoch', 100, [])).toEqual([0, 0.5, 1]);
    const anchors = [{ step: 0, time: 1000 }, { step: 100, time: 1010 }, { step: 200, time: 1030 }];
    expect(interpolateTime(50, anchors)).toBe(1005);
    expect(interpolateTime(150, anchors)).toBe(1020);
    expect(interpolateTime(300, anchors)).toBe(1050);
    expect(stepsToX([10], 'time', null, [])).toEqual([10]); // no anchors: steps
  });
});
