import { describe, expect, it } from 'vitest';
import { smoothEma } from './smoothing';

describe('smoothEma (debiased)', () => {
  it('is the identity at weight 0', () => {
    expect(smoothEma([1, 5, 3], 0)).toEqual([1, 5, 3]);
  });

  it('starts at the first value instead of being pulled towards zero', () => {
    const out = smoothEma([10, 10, 10], 0.9);
    for (const v of out) expect(v).toBeCloseTo(10, 10);
  });

  it('matches the debiased formula', () => {
    const w = 0.6;
    const [a, b] = smoothEma([1, 3], w) as number[];
    expect(a).toBeCloseTo(1, 10);
    // ema = (1-w)*1*w + (1-w)*3 ; debias 1 - w^2
    expect(b).toBeCloseTo(((1 - w) * w * 1 + (1 - w) * 3) / (1 - w * w), 10);
  });

  it('lags a step change more with a heavier weight', () => {
    const steps = [0, 0, 0, 0, 1, 1, 1, 1];
    const light = smoothEma(steps, 0.3)[5] as number;
    const heavy = smoothEma(steps, 0.95)[5] as number;
    expect(light).toBeGreaterThan(heavy);
    expect(heavy).toBeGreaterThan(0);
  });

  it('keeps gaps and passes non-finite values through without poisoning later points', () => {
    const out = smoothEma([1, null, Number.NaN, 1], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo(1, 10);
  });

  it('clamps the weight to below 1', () => {
    const out = smoothEma([2, 4], 1);
    expect(Number.isFinite(out[1] as number)).toBe(true);
  });
});
