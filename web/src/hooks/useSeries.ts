import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { HISTORY_POINTS } from '../lib/chartSeries';
import { loadHistory } from '../lib/historyPrefetch';
import { appendBuckets, fromBuckets, lastStep, type SeriesData } from '../lib/seriesData';
import { viewedRunId, viewingLive, useMonitoring } from '../store/monitoring';

const LIVE_INTERVAL_MS = 1000;

export interface SeriesState {
  data: Record<string, SeriesData>;
  loading: boolean;
  error: string | null;
  /** A new object each time a run's history has been loaded into `data` (charts mark its first draw). */
  historyLoad: { runId: string } | null;
}

/**
 * A chart's series of the viewed run: history from the server's downsampled endpoint (min/max/last per bucket), then,
 * while that run is the live one, the points added since, fetched at most once a second as metrics_update messages arrive.
 */
export function useSeries(names: readonly string[]): SeriesState {
  const runId = useMonitoring(viewedRunId);
  const live = useMonitoring(viewingLive);
  const historyVersion = useMonitoring((s) => s.historyVersion);
  const liveTick = useMonitoring((s) => s.liveTick);
  const [data, setData] = useState<Record<string, SeriesData>>({});
  const [historyLoad, setHistoryLoad] = useState<{ runId: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const key = names.join(',');
  const inFlight = useRef(false);
  const lastFetch = useRef(0);
  const generation = useRef(0);

  useEffect(() => {
    const gen = ++generation.current;
    setData({});
    setHistoryLoad(null);
    if (!runId) return;
    setLoading(true);
    inFlight.current = true;
    loadHistory(runId, key.split(','), HISTORY_POINTS)
      .then((h) => {
        if (gen !== generation.current) return;
        const next: Record<string, SeriesData> = {};
        for (const s of h.series) next[s.series] = fromBuckets(s.buckets);
        setData(next);
        setHistoryLoad({ runId });
        setError(null);
      })
      .catch((e: unknown) => gen === generation.current && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (gen === generation.current) {
          setLoading(false);
          inFlight.current = false;
          lastFetch.current = Date.now();
        }
      });
  }, [runId, historyVersion, key]);

  useEffect(() => {
    if (!runId || !live || inFlight.current || Date.now() - lastFetch.current < LIVE_INTERVAL_MS) return;
    const current = dataRef.current;
    const lasts = key.split(',').map((n) => lastStep(current[n]));
    if (lasts.every((l) => l === null) && Object.keys(current).length === 0 && loading) return;
    const known = lasts.filter((l): l is number => l !== null);
    const from = known.length === lasts.length && known.length > 0 ? Math.min(...known) + 1 : undefined;
    const gen = generation.current;
    inFlight.current = true;
    lastFetch.current = Date.now();
    api
      .history(runId, key.split(','), { from, maxPoints: 1000 })
      .then((h) => {
        if (gen !== generation.current) return;
        setData((prev) => {
          let changed = false;
          const next = { ...prev };
          for (const s of h.series) {
            const before = prev[s.series];
            const after = before ? appendBuckets(before, s.buckets) : fromBuckets(s.buckets);
            if (after !== before) {
              next[s.series] = after;
              changed = true;
            }
          }
          return changed ? next : prev;
        });
      })
      .catch(() => {
        /* the next tick retries */
      })
      .finally(() => {
        if (gen === generation.current) inFlight.current = false;
      });
  }, [liveTick, runId, live, key, loading]);

  return { data, loading, error, historyLoad };
}
