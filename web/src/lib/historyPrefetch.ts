import { api } from '../api/client';
import type { HistoryResponse } from '../api/types';

/**
 * History requests started before the charts that need them have loaded. Opening a run by link otherwise waits for
 * the chart's chunk (uPlot included) to download and render before its first request goes out; started at page load,
 * the two overlap. Each prefetched answer is handed out once: later loads (another run, a reconnect) ask afresh.
 */
const started = new Map<string, Promise<HistoryResponse>>();

const keyOf = (runId: string, names: readonly string[], maxPoints: number) => `${runId}\n${names.join(',')}\n${maxPoints}`;

/** Starts the downsampled history request a chart will make for `runId`. */
export function prefetchHistory(runId: string, names: readonly string[], maxPoints: number): void {
  const key = keyOf(runId, names, maxPoints);
  if (started.has(key)) return;
  const request = api.history(runId, [...names], { maxPoints });
  // Not taken (the user chose another run first): its failure must not surface as an unhandled rejection.
  request.catch(() => undefined);
  started.set(key, request);
}

/** The prefetched answer for exactly this request if one was started, else a new request. */
export function loadHistory(runId: string, names: readonly string[], maxPoints: number): Promise<HistoryResponse> {
  const key = keyOf(runId, names, maxPoints);
  const request = started.get(key);
  started.delete(key);
  return request ?? api.history(runId, [...names], { maxPoints });
}
