import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import { monitoringStore, runMissingFromList, useMonitoring } from '../store/monitoring';

/** Waits before asking again for a run the list lacks (a run is announced live before its first write commits). */
const RETRY_DELAYS_MS = [300, 1000, 2000, 5000, 10_000];

let pending: Promise<void> | null = null;

/** Reloads the server's run list into the store (one request at a time; a failure leaves the list as it was). */
export function refreshRuns(): Promise<void> {
  pending ??= api
    .runs()
    .then((r) => monitoringStore.getState().setRuns(r.runs))
    .catch(() => undefined)
    .finally(() => {
      pending = null;
    });
  return pending;
}

/**
 * Keeps the store's run list current: loaded once, then again whenever the page needs a run the list lacks (a new live
 * run, a pinned run), a few times with growing delays.
 */
export function useRunList(): void {
  const missing = useMonitoring(runMissingFromList);
  const runs = useMonitoring((s) => s.runs);
  const attempts = useRef<{ runId: string | null; count: number }>({ runId: null, count: 0 });

  // The first load, retried until the server answers (the other effect needs a list to compare with).
  useEffect(() => {
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = async () => {
      await refreshRuns();
      if (stopped || monitoringStore.getState().runs !== null) return;
      timer = setTimeout(load, RETRY_DELAYS_MS[Math.min(attempt++, RETRY_DELAYS_MS.length - 1)]);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    if (runs === null || missing === null) return;
    if (attempts.current.runId !== missing) attempts.current = { runId: missing, count: 0 };
    const count = attempts.current.count;
    const delay = RETRY_DELAYS_MS[count];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      attempts.current.count = count + 1;
      void refreshRuns();
    }, delay);
    return () => clearTimeout(timer);
  }, [runs, missing]);
}
