import type { EpochRecord, Run } from '../api/types';

const pad = (n: number) => String(n).padStart(2, '0');

/** A start time as `YYYY-MM-DD HH:MM` in local time (or the raw text when it does not parse). */
export function formatStartTime(iso: string, toLocal: (ms: number) => Date = (ms) => new Date(ms)): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const d = toLocal(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** How a run reads in the run picker: its name (and id when they differ), state and start time. */
export function runLabel(run: Run, toLocal?: (ms: number) => Date): string {
  const name = run.name && run.name !== run.id ? `${run.name} (${run.id})` : run.id;
  return `${name} · ${run.state} · ${formatStartTime(run.created_at, toLocal)}`;
}

/**
 * Batches per epoch of a stored run, for the charts' epoch axis: an in-process run's config says it; otherwise an
 * epoch record that carries its global step gives it. Null when neither is known.
 */
export function batchesPerEpochOf(run: Run | undefined, epochs: readonly EpochRecord[]): number | null {
  const configured = run?.config?.['batches_per_epoch'];
  if (typeof configured === 'number' && configured > 0) return configured;
  for (let i = epochs.length - 1; i >= 0; i--) {
    const e = epochs[i]!;
    const step = e['global_step'];
    if (typeof step === 'number' && step > 0 && e.epoch > 0) return step / e.epoch;
  }
  return null;
}
