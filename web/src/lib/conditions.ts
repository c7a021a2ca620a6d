import type { CriticalCondition, EpochRecord } from '../api/types';
import { toNumber } from '../utils/formatters';

/**
 * Critical conditions as one epoch left them: each threshold class's sensitivity in that epoch, rated as the server
 * rates live figures (at or above the threshold ok, within `warningMargin` below it warning, further below critical).
 * A class the epoch has no finite sensitivity for is left out (never read as zero).
 */
export function conditionsFromEpoch(epoch: EpochRecord | undefined, thresholds: Record<string, number>, warningMargin: number): Record<string, CriticalCondition> {
  const out: Record<string, CriticalCondition> = {};
  if (!epoch?.per_class) return out;
  for (const record of epoch.per_class) {
    const threshold = thresholds[record.class];
    if (threshold === undefined) continue;
    const sensitivity = toNumber(record.sensitivity);
    if (sensitivity === null || !Number.isFinite(sensitivity)) continue;
    const status = sensitivity >= threshold ? 'ok' : sensitivity >= threshold - warningMargin ? 'warning' : 'critical';
    out[record.class] = { sensitivity, threshold, status };
  }
  return out;
}

/**
 * Whether two sets of critical conditions read the same (same classes, figures and statuses). The live figures come
 * as a new object with every metrics update but change only when the server re-rates them; equal ones keep the
 * panel from re-rendering at the update rate.
 */
export function sameConditions(a: Record<string, CriticalCondition> | undefined, b: Record<string, CriticalCondition> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    return x !== undefined && y !== undefined && Object.is(x.sensitivity, y.sensitivity) && x.threshold === y.threshold && x.status === y.status;
  });
}

/**
 * The conditions the panel lists: every configured threshold (one with no figure yet, before the first epoch or absent
 * from a pinned run's last epoch, reads "No data"), then any a live sender reports beyond them.
 */
export function conditionNames(thresholds: Record<string, number>, live: Record<string, CriticalCondition> | undefined): string[] {
  return Object.keys({ ...thresholds, ...live });
}
