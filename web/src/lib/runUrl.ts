/** The `?run=` query parameter: a link to the dashboard that opens one run's history. */
export const RUN_PARAM = 'run';

/** The run named by a location's query string, or null (follow the live run). */
export function runFromSearch(search: string): string | null {
  const id = new URLSearchParams(search).get(RUN_PARAM)?.trim();
  return id ? id : null;
}

/** `href` with `?run=` set to `runId`, or removed for null; other parameters and the hash are kept. */
export function hrefWithRun(href: string, runId: string | null): string {
  const url = new URL(href);
  if (runId === null) url.searchParams.delete(RUN_PARAM);
  else url.searchParams.set(RUN_PARAM, runId);
  return url.toString();
}
