import { describe, expect, it } from 'vitest';
import { formatBytes, formatClassName, formatCompact, formatCount, formatDuration, formatLearningRate, formatNumber, formatPercent, formatPhase, toNumber, trendOf } from './formatters';

describe('formatters', () => {
  it('writes counts with thousands separators whatever the browser locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(2319)).toBe('2,319');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('reads the API non-finite strings and keeps null as unknown', () => {
    expect(toNumber('NaN')).toBeNaN();
    expect(toNumber('Infinity')).toBe(Infinity);
    expect(toNumber('-Infinity')).toBe(-Infinity);
    expect(toNumber(null)).toBeNull();
    expect(toNumber(undefined)).toBeNull();
    expect(toNumber(0.5)).toBe(0.5);
  });

  it('formats numbers, naming what is not finite and dashing what is unknown', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(1.5, 2)).toBe('1.50');
    expect(formatNumber('NaN')).toBe('NaN');
    expect(formatNumber('Infinity')).toBe('∞');
    expect(formatNumber('-Infinity')).toBe('−∞');
    expect(formatNumber(null)).toBe('—');
  });

  it('formats percentages, learning rates and durations', () => {
    expect(formatPercent(0.9876)).toBe('98.8 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatLearningRate(0.0005)).toBe('5.00e-4');
    expect(formatLearningRate(0)).toBe('0');
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formats bytes and compact rates', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(25276502016)).toBe('23.5 GiB');
    expect(formatCompact(406)).toBe('406');
    expect(formatCompact(1234, 'img/s')).toBe('1.2k img/s');
    expect(formatCompact(null)).toBe('—');
  });

  it('tells the trend, treating tiny changes as flat and unknowns as unknown', () => {
    expect(trendOf(1, 2)).toBe('up');
    expect(trendOf(2, 1)).toBe('down');
    expect(trendOf(1, 1.00000001)).toBe('flat');
    expect(trendOf(null, 1)).toBe('unknown');
    expect(trendOf(1, 'NaN')).toBe('unknown');
  });

  it('names training phases by what they train', () => {
    expect(formatPhase('supervised')).toBe('classifier');
    expect(formatPhase('unsupervised')).toBe('VAE');
    expect(formatPhase('router')).toBe('router');
    expect(formatPhase(null)).toBeNull();
    expect(formatPhase('something-new')).toBeNull();
  });

  it('makes class names readable', () => {
    expect(formatClassName('Retinal_Detachment')).toBe('Retinal Detachment');
  });
});
