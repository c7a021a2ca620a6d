import { useEffect, useMemo, useRef, useState } from 'react';
import { HISTORY_POINTS } from '../lib/chartSeries';
import type { HistoryResponse } from '../api/types';
import { loadHistory, takeArrivedHistory } from '../lib/earlyHistory';
import type { LiveReader } from '../lib/livePoller';
import { appendBuckets, fromBuckets, lastStep, type SeriesData } from '../lib/seriesData';
import { viewedRunId, viewingLive, useMonitoring, viewedHistoryVersion } from '../store/monitoring';
import { useLiveReader } from './useLiveReader';

export interface SeriesState {
  data: Record<string, SeriesData>;
  loading: boolean;
  error: string | null;
  /** A new object each time a run's history has been loaded into `data` (charts mark its first draw). */
  historyLoad: { runId: string } | null;
}

/**
 * A chart's series of the viewed run: history from the server's downsampled endpoint (min/max/last per bucket), then,
 * while that run is the live one, the points added since, read by the app's live poller (with every other chart's, at
 * most once a second) and delivered with a live update.
 */
export function useSeries(names: readonly string[]): SeriesState {
  const runId = useMonitoring(viewedRunId);
  const live = useMonitoring(viewingLive);
  const historyVersion = useMonitoring(viewedHistoryVersion);
  const key = names.join(',');
  // What the history effect loads: the run's series at this history version.
  const load = `${runId}\n${historyVersion}\n${key}`;
  // A linked run's curves may have arrived before the first render (lib/earlyHistory.ts): then they are drawn with it.
  const [initial] = useState(() => {
    const arrived = runId ? takeArrivedHistory(runId, names, HISTORY_POINTS) : undefined;
    return arrived && { data: fromHistory(arrived), load };
  });
  const [data, setData] = useState<Record<string, SeriesData>>(initial?.data ?? {});
  const [historyLoad, setHistoryLoad] = useState<{ runId: string } | null>(initial && runId ? { runId } : null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const historyLoading = useRef(false);
  const generation = useRef(0);
  // The load the first render already holds (kept across StrictMode's second effect run; dropped once anything changes).
  const loaded = useRef(initial?.load ?? null);

  useEffect(() => {
    if (loaded.current === load) return;
    loaded.current = null;
    const gen = ++generation.current;
    setData({});
    setHistoryLoad(null);
    if (!runId) return;
    setLoading(true);
    historyLoading.current = true;
    loadHistory(runId, key.split(','), HISTORY_POINTS)
      .then((h) => {
        if (gen !== generation.current) return;
        setData(fromHistory(h));
        setHistoryLoad({ runId });
        setError(null);
      })
      .catch((e: unknown) => gen === generation.current && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (gen === generation.current) {
          setLoading(false);
          historyLoading.current = false;
        }
      });
  }, [runId, historyVersion, key]); // `load` is made of these three

  // Live points: read with the other charts' by the app's live poller, delivered with a live update (one render).
  const reader = useMemo<LiveReader | null>(() => {
    if (!live) return null;
    const names = key.split(',');
    return {
      names,
      ready: () => !historyLoading.current,
      lastStep: (name) => lastStep(dataRef.current[name]),
      deliver: (series) =>
        setData((prev) => {
          let changed = false;
          const next = { ...prev };
          for (const s of series) {
            const before = prev[s.series];
            const after = before ? appendBuckets(before, s.buckets) : fromBuckets(s.buckets);
            if (after !== before) {
              next[s.series] = after;
              changed = true;
            }
          }
          return changed ? next : prev;
        }),
    };
  }, [live, key]);
  useLiveReader(runId, reader);

  return { data, loading, error, historyLoad };
}

function fromHistory(history: HistoryResponse): Record<string, SeriesData> {
  const data: Record<string, SeriesData> = {};
  for (const s of history.series) data[s.series] = fromBuckets(s.buckets);
  return data;
}
