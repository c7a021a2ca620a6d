import { useEffect, useState } from 'react';
import { formatDuration } from '../../utils/formatters';
import { onLiveUpdate, useMonitoring } from '../../store/monitoring';

/** Elapsed time of the run, advancing every second while it runs (between status messages). */
export function ElapsedTimer() {
  const status = useMonitoring((s) => s.status);
  const [now, setNow] = useState(() => Date.now());
  const running = status?.state === 'running';
  useEffect(() => {
    if (!running) return;
    // Advanced by the live updates when they flow, so the new second is drawn in an update's frame rather than a
    // frame of its own; the interval only takes over when they stop (a paused or quiet run).
    let shown = Date.now();
    const advance = () => {
      const t = Date.now();
      if (t - shown < 1000) return;
      shown = t;
      setNow(t);
    };
    const unsubscribe = onLiveUpdate(advance);
    const id = setInterval(advance, 1000);
    return () => {
      unsubscribe();
      clearInterval(id);
    };
  }, [running]);
  let seconds = status?.elapsed_seconds ?? null;
  if (running && status?.started_at) {
    const started = Date.parse(status.started_at);
    if (Number.isFinite(started)) seconds = Math.max(seconds ?? 0, (now - started) / 1000);
  }
  return (
    <span className="font-mono text-sm tabular-nums" aria-label="Elapsed time" data-testid="elapsed" title="Elapsed time">
      <span className="text-xs text-[var(--text-secondary)]">Elapsed </span>
      {formatDuration(seconds)}
    </span>
  );
}
