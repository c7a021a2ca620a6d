import { useMemo } from 'react';
import type { TimeAnchor } from '../lib/seriesData';
import { viewedRun, viewingLive, useMonitoring } from '../store/monitoring';

/** Known (step, wall time) pairs of the viewed run: its start, each epoch's end, and the live run's latest status. */
export function useTimeAnchors(): TimeAnchor[] {
  const epochs = useMonitoring((s) => s.epochs);
  const live = useMonitoring(viewingLive);
  const liveStart = useMonitoring((s) => s.status?.started_at ?? null);
  const storedStart = useMonitoring((s) => viewedRun(s)?.created_at ?? null);
  const step = useMonitoring((s) => (viewingLive(s) ? (s.status?.global_step ?? null) : null));
  const updatedAt = useMonitoring((s) => (viewingLive(s) ? (s.status?.updated_at ?? null) : null));
  const startedAt = live ? liveStart : storedStart;
  return useMemo(() => {
    const anchors: TimeAnchor[] = [];
    if (startedAt) anchors.push({ step: 0, time: Date.parse(startedAt) / 1000 });
    for (const e of epochs) {
      const s = typeof e['global_step'] === 'number' ? (e['global_step'] as number) : null;
      if (s !== null && e.timestamp) anchors.push({ step: s, time: Date.parse(e.timestamp) / 1000 });
    }
    if (step !== null && updatedAt) anchors.push({ step, time: Date.parse(updatedAt) / 1000 });
    anchors.sort((a, b) => a.step - b.step);
    return anchors.filter((a, i) => Number.isFinite(a.time) && (i === 0 || a.step > anchors[i - 1]!.step));
  }, [epochs, startedAt, step, updatedAt]);
}
