import { useEffect } from 'react';
import { hrefWithRun } from '../lib/runUrl';
import { useMonitoring } from '../store/monitoring';

/** Mirrors the pinned run in the address bar (`?run=`), so the link opens the same run; no history entry per choice. */
export function useRunInUrl(): void {
  const pinned = useMonitoring((s) => s.pinnedRunId);
  useEffect(() => {
    const next = hrefWithRun(window.location.href, pinned);
    if (next !== window.location.href) window.history.replaceState(window.history.state, '', next);
  }, [pinned]);
}
