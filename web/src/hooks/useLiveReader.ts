import { useEffect } from 'react';
import { api } from '../api/client';
import { createLivePoller, type LiveReader } from '../lib/livePoller';
import { onLiveUpdate } from '../store/monitoring';

/** The app's one poller of live points: a request a second at most, answers delivered with the next live update. */
const poller = createLivePoller(
  {
    history: (runId, names, options) => api.history(runId, names, options),
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
  { intervalMs: 1000, holdMs: 250, maxPoints: 1000 },
);

let ticking = false;

/** Live updates (store `liveTick`) drive the poller from the first reader on. */
function startTicking() {
  if (ticking) return;
  ticking = true;
  onLiveUpdate((s) => {
    if (s.status?.run_id) poller.tick(s.status.run_id);
  });
}

/** Reads `runId`'s new points while it is the live run (`reader` null: nothing to read). Keep `reader` stable (memoise it). */
export function useLiveReader(runId: string | null, reader: LiveReader | null): void {
  useEffect(() => {
    if (!runId || !reader) return;
    startTicking();
    return poller.add(runId, reader);
  }, [runId, reader]);
}
