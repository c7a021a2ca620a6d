import { memo } from 'react';
import { refreshRuns } from '../../hooks/useRunList';
import { runLabel } from '../../lib/runs';
import { monitoringStore, useMonitoring } from '../../store/monitoring';

/** The option that follows the live run (no run id is empty, so it cannot clash). */
const LIVE = '';

/**
 * Chooses the run the page shows: "Live run" follows whatever run is live, any stored run (newest first) pins it.
 * The list is refreshed when a new run appears and when the picker gets focus.
 */
export const RunPicker = memo(function RunPicker() {
  const runs = useMonitoring((s) => s.runs);
  const pinned = useMonitoring((s) => s.pinnedRunId);
  const liveId = useMonitoring((s) => s.status?.run_id ?? null);
  const pinnedUnlisted = pinned !== null && !(runs ?? []).some((r) => r.id === pinned);
  return (
    <label className="flex min-w-0 items-center gap-2 text-xs text-[var(--text-secondary)]">
      <span>Run</span>
      <select
        data-testid="run-picker"
        value={pinned ?? LIVE}
        onFocus={() => void refreshRuns()}
        onChange={(e) => monitoringStore.getState().pinRun(e.target.value === LIVE ? null : e.target.value)}
        className="max-w-[min(30rem,calc(100vw-9rem))] min-w-0 truncate rounded border border-[var(--border)] bg-[var(--bg-primary)] px-1.5 py-1 text-sm text-[var(--text-primary)]"
      >
        <option value={LIVE}>{liveId ? `Live run (${liveId})` : 'Live run (none yet)'}</option>
        {pinnedUnlisted && <option value={pinned}>{runs === null ? pinned : `${pinned} (not found)`}</option>}
        {(runs ?? []).map((run) => (
          <option key={run.id} value={run.id}>
            {runLabel(run)}
          </option>
        ))}
      </select>
    </label>
  );
});
