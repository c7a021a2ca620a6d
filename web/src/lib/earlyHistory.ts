import { api, historyPath, parseAnswer, type ReadResponse } from '../api/client.ts';
import type { HistoryResponse } from '../api/types';
import { HISTORY_POINTS, LOSS_SPECS, METRICS_SPECS } from './chartSeries.ts';
import { RUN_PARAM } from './runUrl.ts';

/** History requests already sent, by path: their responses, read to the end as they arrive. */
export type EarlyRequests = Record<string, Promise<ReadResponse>>;

declare global {
  // Set by the inline script of index.html (plugins/earlyHistory.ts); taken by loadHistory.
  var __vigilEarlyHistory: EarlyRequests | undefined;
}

/**
 * For a link to a run (`?run=<id>`), sends each chart's history request, as `historyPath` writes it. This runs inline
 * in index.html, before the app's code has even downloaded, so the server works on the curves while the browser
 * loads the app: its source text is what the page runs, hence no imports and no names from outside.
 */
export function startEarlyHistory(
  search: string,
  param: string,
  charts: readonly (readonly string[])[],
  maxPoints: number,
  get: (path: string) => Promise<ReadResponse>,
): EarlyRequests {
  const started: EarlyRequests = {};
  const run = new URLSearchParams(search).get(param)?.trim();
  if (!run) return started;
  for (const names of charts) {
    const path = `/api/metrics/history?run=${encodeURIComponent(run)}&series=${names.map(encodeURIComponent).join(',')}&max_points=${maxPoints}`;
    const request = get(path);
    // Not taken (another run chosen first): a failure must not surface as an unhandled rejection.
    request.catch(() => undefined);
    started[path] = request;
  }
  return started;
}

/** The inline script index.html runs first: the charts' history requests for a linked run. */
export function earlyHistoryScript(): string {
  const charts = [LOSS_SPECS, METRICS_SPECS].map((specs) => specs.map((s) => s.name));
  return (
    `globalThis.__vigilEarlyHistory = (${startEarlyHistory.toString()})(location.search, ${JSON.stringify(RUN_PARAM)}, ` +
    `${JSON.stringify(charts)}, ${HISTORY_POINTS}, function (path) { return fetch(path, { headers: { Accept: 'application/json' } })` +
    `.then(function (r) { return r.text().then(function (text) { return { status: r.status, statusText: r.statusText, text: text }; }); }); });`
  );
}

interface EarlyAnswer {
  answer: Promise<HistoryResponse>;
  /** Set once the answer has arrived and been parsed. */
  value?: HistoryResponse;
}

const early = new Map<string, EarlyAnswer>();

// The inline script's requests, moved here on first use (each parsed as soon as it arrives).
function earlyAnswers(): Map<string, EarlyAnswer> {
  for (const [path, request] of Object.entries(globalThis.__vigilEarlyHistory ?? {})) {
    const entry: EarlyAnswer = { answer: request.then((read) => parseAnswer<HistoryResponse>(read)) };
    entry.answer.then((value) => (entry.value = value)).catch(() => undefined); // a failure surfaces only when taken
    early.set(path, entry);
  }
  delete globalThis.__vigilEarlyHistory;
  return early;
}

/** Settles when every early request has been answered (or has failed): the app's first render waits for it, briefly. */
export function earlyHistoryArrived(): Promise<void> {
  return Promise.all([...earlyAnswers().values()].map((e) => e.answer.catch(() => undefined))).then(() => undefined);
}

/**
 * The early answer for exactly these series if it has already arrived, taken (a chart mounting then starts with its
 * curves: no empty first frame, no second render); else undefined.
 */
export function takeArrivedHistory(runId: string, names: readonly string[], maxPoints: number): HistoryResponse | undefined {
  const path = historyPath(runId, names, { maxPoints });
  const entry = earlyAnswers().get(path);
  if (entry?.value === undefined) return undefined;
  early.delete(path);
  return entry.value;
}

/**
 * A chart's history: the answer to the page's early request for exactly these series if there is one (each is
 * handed out once: a later load, a reconnect or another run, asks afresh), else a new request.
 */
export function loadHistory(runId: string, names: readonly string[], maxPoints: number): Promise<HistoryResponse> {
  const path = historyPath(runId, names, { maxPoints });
  const entry = earlyAnswers().get(path);
  if (entry) {
    early.delete(path);
    return entry.answer;
  }
  return api.history(runId, names, { maxPoints });
}
