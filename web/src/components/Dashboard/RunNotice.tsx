import { memo } from 'react';
import { formatStartTime } from '../../lib/runs';
import { monitoringStore, pinnedRunMissing, viewedRun, viewingLive, useMonitoring } from '../../store/monitoring';
import { Button } from '../common/Button';

const followLive = () => monitoringStore.getState().pinRun(null);

/**
 * Says when the page is not showing the live run: which run it shows, that the controls still act on the live run,
 * and a way back; or, for a link to a run this server does not have, says so plainly.
 */
export const RunNotice = memo(function RunNotice() {
  const live = useMonitoring(viewingLive);
  const missing = useMonitoring(pinnedRunMissing);
  const pinned = useMonitoring((s) => s.pinnedRunId);
  // Shown only while a run is pinned, so the viewed run is the pinned one.
  const run = useMonitoring(viewedRun);
  const liveId = useMonitoring((s) => s.status?.run_id ?? null);
  const epochCount = useMonitoring((s) => s.epochs.length);
  if (live || pinned === null) return null;

  if (missing) {
    return (
      <section role="alert" data-testid="run-notice" data-kind="missing" className="flex flex-wrap items-center gap-3 rounded-lg border border-[var(--danger)] bg-[var(--bg-secondary)] p-3 text-sm">
        <span>
          <span className="font-semibold text-[var(--danger)]">Run not found: </span>
          this server has no run “{pinned}”. Check the link, or pick a run above.
        </span>
        <Button small variant="accent" className="ml-auto" onClick={followLive}>
          Show the live run
        </Button>
      </section>
    );
  }

  return (
    <section aria-label="Run shown" data-testid="run-notice" data-kind="pinned" className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-[var(--accent)] bg-[var(--bg-secondary)] p-3 text-sm">
      <span className="min-w-0">
        Showing run <span className="font-semibold break-all">{run?.name ?? pinned}</span>
        {run && (
          <span className="text-[var(--text-secondary)]">
            {' '}
            · {run.state} · started {formatStartTime(run.created_at)} · {epochCount} epoch{epochCount === 1 ? '' : 's'}
          </span>
        )}
      </span>
      <span className="text-xs text-[var(--text-secondary)]">Pause, resume and stop act on the live run{liveId ? ` (${liveId})` : ''}.</span>
      <Button small variant="accent" className="ml-auto" onClick={followLive}>
        Back to the live run
      </Button>
    </section>
  );
});
