import type { Num } from '../api/types';

/** Reads an API number: the strings "NaN"/"Infinity"/"-Infinity" become the IEEE values, null stays null. */
export function toNumber(value: Num | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return null;
}

const DASH = '—';

// One formatter, made once: `n.toLocaleString('en-US')` builds a new Intl.NumberFormat on every call, which the
// progress bar's four counts, 10 times a second, made the costliest script of a live update (~3 ms per second).
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An integer count with thousands separators (1,234,567). */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** A metric value with a fixed number of decimals; unknown is a dash, non-finite values are named. */
export function formatNumber(value: Num | undefined, digits = 4): string {
  const n = toNumber(value);
  if (n === null) return DASH;
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  return n.toFixed(digits);
}

/** A fraction (0–1) as a percentage. */
export function formatPercent(value: Num | undefined, digits = 1): string {
  const n = toNumber(value);
  if (n === null || !Number.isFinite(n)) return formatNumber(value, digits);
  return `${(n * 100).toFixed(digits)} %`;
}

/** A learning rate: scientific notation, as optimisers print it. */
export function formatLearningRate(value: Num | undefined): string {
  const n = toNumber(value);
  if (n === null || !Number.isFinite(n)) return formatNumber(value);
  return n === 0 ? '0' : n.toExponential(2);
}

/** A duration in seconds as h:mm:ss (or m:ss under an hour). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Bytes with a binary unit. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A rate such as throughput, compact (1.2k). */
export function formatCompact(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  const text = abs >= 1e6 ? `${(value / 1e6).toFixed(1)}M` : abs >= 1e3 ? `${(value / 1e3).toFixed(1)}k` : value.toFixed(abs >= 100 ? 0 : 1);
  return unit ? `${text} ${unit}` : text;
}

export type Trend = 'up' | 'down' | 'flat' | 'unknown';

/** Direction of change between two readings; tiny relative changes count as flat. */
export function trendOf(previous: Num | undefined, current: Num | undefined, tolerance = 1e-4): Trend {
  const a = toNumber(previous);
  const b = toNumber(current);
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return 'unknown';
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-12);
  if (Math.abs(b - a) / scale <= tolerance) return 'flat';
  return b > a ? 'up' : 'down';
}

/** A class name made readable: underscores become spaces. */
export function formatClassName(name: string): string {
  return name.replace(/_/g, ' ');
}

/** What a training phase trains, for people: the classifier, the VAE…; null when the phase is unknown. */
export function formatPhase(phase: string | null | undefined): string | null {
  switch (phase) {
    case 'supervised':
      return 'classifier';
    case 'unsupervised':
      return 'VAE';
    case 'hybrid':
      return 'hybrid';
    case 'router':
      return 'router';
    default:
      return null;
  }
}
