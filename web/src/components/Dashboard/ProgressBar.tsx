import { memo, useMemo } from 'react';
import { shallow } from 'zustand/vanilla/shallow';
import { useLiveReader } from '../../hooks/useLiveReader';
import { useStoreDom, writeText } from '../../hooks/useStoreDom';
import type { LiveReader } from '../../lib/livePoller';
import { monitoringStore, useMonitoring, type MonitoringState } from '../../store/monitoring';
import { OWN_LAYER } from '../common/Panel';
import { formatCompact, formatCount, formatDuration, formatPhase, toNumber } from '../../utils/formatters';

interface Progress {
  value: number;
  max: number;
}

// Live figures come from the latest metrics_update, else from the status (a run not yet updating, a paused one).
const epochProgress = (s: MonitoringState): Progress => ({ value: s.metrics?.epoch ?? s.status?.epoch ?? 0, max: s.status?.epochs ?? 0 });
const batchProgress = (s: MonitoringState): Progress => ({
  value: s.metrics?.batch ?? s.status?.batch ?? 0,
  max: s.metrics?.total_batches ?? s.status?.total_batches ?? 0,
});
const etaText = (s: MonitoringState) => formatDuration(toNumber(s.metrics?.system.eta_seconds) ?? s.status?.eta_seconds ?? null);
const throughputText = (s: MonitoringState) => formatCompact(s.throughput, 'img/s');

/** A labelled bar and its "value / max" count, written from the store on each update (no re-render). */
function Bar({ label, select, testId }: { label: string; select: (s: MonitoringState) => Progress; testId: string }) {
  const root = useStoreDom<HTMLDivElement, Progress>(
    select,
    (element, { value, max }) => {
      const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
      writeText(element.querySelector('[data-part=count]')!, `${formatCount(value)} / ${formatCount(max)}`);
      const bar = element.querySelector<HTMLElement>('[role=progressbar]')!;
      bar.setAttribute('aria-valuemax', String(max));
      bar.setAttribute('aria-valuenow', String(value));
      (bar.firstElementChild as HTMLElement).style.transform = `scaleX(${fraction})`;
    },
    [select],
    shallow,
  );
  return (
    <div ref={root} className="min-w-0 flex-1">
      <div className="mb-1 flex h-4 justify-between text-xs text-[var(--text-secondary)] [contain:strict]">
        <span>{label}</span>
        <span className="font-mono tabular-nums" data-testid={testId} data-part="count" />
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} className="h-2 overflow-hidden rounded bg-[#262626]">
        <div className="h-full origin-left bg-[var(--accent)]" />
      </div>
    </div>
  );
}

/** Epoch and batch progress, throughput and the server's ETA. */
export const ProgressBar = memo(function ProgressBar() {
  const running = useMonitoring((s) => s.status?.state === 'running');
  // Epochs count within a phase: a classifier-then-VAE run's bar starts again for the VAE, and says so.
  const phase = useMonitoring((s) => formatPhase(s.status?.phase));
  const runId = useMonitoring((s) => s.status?.run_id ?? null);
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
  const throughput = useStoreDom<HTMLSpanElement, string>(throughputText, writeText, []);
  const eta = useStoreDom<HTMLSpanElement, string>(etaText, writeText, []);
  return (
    <section aria-label="Progress" className={`flex flex-col gap-3 rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] p-3 md:flex-row md:items-center ${OWN_LAYER}`}>
      <Bar label={phase ? `Epoch · ${phase}` : 'Epoch'} select={epochProgress} testId="progress-epoch" />
      <Bar label="Batch" select={batchProgress} testId="progress-batch" />
      <div className="flex h-4 gap-4 text-xs text-[var(--text-secondary)] [contain:strict] md:w-64 md:justify-end">
        <span>
          Throughput <span ref={throughput} className="font-mono text-[var(--text-primary)]" data-testid="throughput" />
        </span>
        <span>
          ETA <span ref={eta} className="font-mono text-[var(--text-primary)]" data-testid="eta" />
        </span>
      </div>
    </section>
  );
});
