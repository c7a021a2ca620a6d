import type { AlertsResponse, EpochRecord, HistoryResponse, Run, SessionInfo, Status, SystemInfo, TrainingInfo } from './types';

/** An API error carrying the server's own message (`{"error": …}`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  return parseAnswer<T>(await readResponse(await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } })));
}

/** A response read to its end. */
export interface ReadResponse {
  status: number;
  statusText: string;
  text: string;
}

// Reads a response's body (index.html's inline script does the same: lib/earlyHistory.ts).
async function readResponse(response: Response): Promise<ReadResponse> {
  return { status: response.status, statusText: response.statusText, text: response.status === 204 ? '' : await response.text() };
}

/** The JSON body of a success, else an {@link ApiError} with the server's message. */
export function parseAnswer<T>({ status, statusText, text }: ReadResponse): T {
  if (status === 204) return null as T;
  const body: unknown = text ? JSON.parse(text) : null;
  if (status < 200 || status > 299) {
    const error = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : statusText;
    throw new ApiError(error, status);
  }
  return body as T;
}

const q = encodeURIComponent;

/** Range and bucket limit of a history request. */
export interface HistoryOptions {
  from?: number;
  to?: number;
  maxPoints?: number;
}

/** The path of `GET /api/metrics/history` for these series of `run`. */
export function historyPath(run: string, series: readonly string[], options: HistoryOptions = {}): string {
  const parts = [`run=${q(run)}`, `series=${series.map(q).join(',')}`];
  if (options.from !== undefined) parts.push(`from=${Math.floor(options.from)}`);
  if (options.to !== undefined) parts.push(`to=${Math.floor(options.to)}`);
  if (options.maxPoints !== undefined) parts.push(`max_points=${options.maxPoints}`);
  return `/api/metrics/history?${parts.join('&')}`;
}

export const api = {
  status: () => request<Status>('/api/status'),
  system: () => request<SystemInfo>('/api/system'),
  runs: () => request<{ runs: Run[] }>('/api/runs'),
  epochs: (id: string) => request<{ run_id: string; epochs: EpochRecord[] }>(`/api/runs/${q(id)}/epochs`),
  alerts: (run?: string, limit = 200) => request<AlertsResponse>(`/api/alerts?limit=${limit}${run ? `&run=${q(run)}` : ''}`),
  history: (run: string, series: readonly string[], options: HistoryOptions = {}) => request<HistoryResponse>(historyPath(run, series, options)),
  training: () => request<TrainingInfo>('/api/training'),
  session: () => request<SessionInfo>('/api/session'),
  /** Trades the server's token for an HttpOnly session cookie (the page never keeps the token). */
  signIn: (token: string) =>
    request<SessionInfo>('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) }),
  control: (action: 'start' | 'pause' | 'resume' | 'stop', body?: Record<string, unknown>) =>
    request<{ accepted: boolean; state: string; run_id: string | null; message: string | null }>(`/api/training/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    }),
};
