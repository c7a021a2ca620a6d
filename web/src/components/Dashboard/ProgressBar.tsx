import { memo, useMemo } from 'react';
import { useLiveReader } from '../../hooks/useLiveReader';
import type { LiveReader } from '../../lib/livePoller';
import { monitoringStore } from '../../store/monitoring';
import { useMonitoring } from '../../store/monitoring';
import { OWN_LAYER } from '../common/Panel';
import { formatCompact, formatCount, formatDuration, toNumber } from '../../utils/formatters';

function Bar({ label, value, max, testId }: { label: string; value: number; max: number; testId: string }) {
  const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div className="min-w-0 flex-1">
      <div className="mb-1 flex h-4 justify-between text-xs text-[var(--text-secondary)] [contain:strict]">
        <span>{label}</span>
        <span className="font-mono tabular-nums" data-testid={testId}>
          {formatCount(value)} / {formatCount(max)}
        </span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} className="h-2 overflow-hidden rounded bg-[#262626]">
        <div className="h-full origin-left bg-[var(--accent)]" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </div>
  );
}

/** Epoch and batch progress, throughput and the server's ETA. */
export const ProgressBar = memo(function ProgressBar() {
  const status = useMonitoring((s) => s.status);
  const metrics = useMonitoring((s) => s.metrics);
  const throughput = useMonitoring((s) => s.throughput);
  const epoch = metrics?.epoch ?? status?.epoch ?? 0;
  const epochs = status?.epochs ?? 0;
  const batch = metrics?.batch ?? status?.batch ?? 0;
  const batches = metrics?.total_batches ?? status?.total_batches ?? 0;
  const running = status?.state === 'running';
  const runId = status?.run_id ?? null;
  // Throughput is a series, not part of metrics_update: its latest value comes with the charts' live points.
  const throughputReader = useMemo<LiveReader>(() => {
    let last: number | null = null;
    return {
      names: ['throughput'],
      ready: () => true,
      lastStep: () => last,
      deliver: (series) => {
        const bucket = series[0]?.buckets.at(-1);
        if (!bucket) return;
        last = bucket.last_step;
        if (bucket.last !== null) monitoringStore.getState().setThroughput(bucket.last);
      },
    };
    // A reader per run: the last step held is that run's.
  }, [runId]);
  useLiveReader(running ? runId : null, throughputReader);
  const eta = toNumber(metrics?.system.eta_seconds) ?? status?.eta_seconds ?? null;
  return (
    <section aria-label="Progress" className={`flex flex-col gap-3 rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] p-3 md:flex-row md:items-center ${OWN_LAYER}`}>
      <Bar label="Epoch" value={epoch} max={epochs} testId="progress-epoch" />
      <Bar label="Batch" value={batch} max={batches} testId="progress-batch" />
      <div className="flex h-4 gap-4 text-xs text-[var(--text-secondary)] [contain:strict] md:w-64 md:justify-end">
        <span>
          Throughput <span className="font-mono text-[var(--text-primary)]" data-testid="throughput">{formatCompact(throughput, 'img/s')}</span>
        </span>
        <span>
          ETA <span className="font-mono text-[var(--text-primary)]" data-testid="eta">{formatDuration(eta)}</span>
        </span>
      </div>
    </section>
  );
});
