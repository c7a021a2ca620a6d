import { useMemo } from 'react';
import type { TimeAnchor } from '../lib/seriesData';
import { viewedRun, viewingLive, useMonitoring } from '../store/monitoring';

const NONE: TimeAnchor[] = [];
const NONE_EPOCHS: never[] = [];

/**
 * Known (step, wall time) pairs of the viewed run: its start, each epoch's end, and the live run's latest status.
 * Disabled (a chart not on its wall-time axis), it reads nothing that changes with each live update, so it causes no
 * re-render, and returns no anchors.
 */
export function useTimeAnchors(enabled = true): TimeAnchor[] {
  const epochs = useMonitoring((s) => (enabled ? s.epochs : NONE_EPOCHS));
  const live = useMonitoring(viewingLive);
  const liveStart = useMonitoring((s) => s.status?.started_at ?? null);
  const storedStart = useMonitoring((s) => viewedRun(s)?.created_at ?? null);
  const step = useMonitoring((s) => (enabled && viewingLive(s) ? (s.status?.global_step ?? null) : null));
  const updatedAt = useMonitoring((s) => (enabled && viewingLive(s) ? (s.status?.updated_at ?? null) : null));
  const startedAt = live ? liveStart : storedStart;
  return useMemo(() => {
    if (!enabled) return NONE;
    const anchors: TimeAnchor[] = [];
    if (startedAt) anchors.push({ step: 0, time: Date.parse(startedAt) / 1000 });
    for (const e of epochs) {
      const s = typeof e['global_step'] === 'number' ? (e['global_step'] as number) : null;
      if (s !== null && e.timestamp) anchors.push({ step: s, time: Date.parse(e.timestamp) / 1000 });
    }
    if (step !== null && updatedAt) anchors.push({ step, time: Date.parse(updatedAt) / 1000 });
    anchors.sort((a, b) => a.step - b.step);
    return anchors.filter((a, i) => Number.isFinite(a.time) && (i === 0 || a.step > anchors[i - 1]!.step));
  }, [enabled, epochs, startedAt, step, updatedAt]);
}
