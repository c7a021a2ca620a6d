import { useEffect, useState } from 'react';
import { formatDuration } from '../../utils/formatters';
import { useMonitoring } from '../../store/monitoring';

/** Elapsed time of the run, ticking every second while it runs (between status messages). */
export function ElapsedTimer() {
  const status = useMonitoring((s) => s.status);
  const [now, setNow] = useState(() => Date.now());
  const running = status?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
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
