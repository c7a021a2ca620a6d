import type { AlertsResponse, EpochRecord, HistoryResponse, Run, Status, SystemInfo } from './types';

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
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } });
  if (response.status === 204) return null as T;
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : response.statusText;
    throw new ApiError(error, response.status);
  }
  return body as T;
}

const q = encodeURIComponent;

export const api = {
  status: () => request<Status>('/api/status'),
  system: () => request<SystemInfo>('/api/system'),
  runs: () => request<{ runs: Run[] }>('/api/runs'),
  epochs: (id: string) => request<{ run_id: string; epochs: EpochRecord[] }>(`/api/runs/${q(id)}/epochs`),
  alerts: (run?: string, limit = 200) => request<AlertsResponse>(`/api/alerts?limit=${limit}${run ? `&run=${q(run)}` : ''}`),
  history: (run: string, series: string[], options: { from?: number; to?: number; maxPoints?: number } = {}) => {
    const parts = [`run=${q(run)}`, `series=${series.map(q).join(',')}`];
    if (options.from !== undefined) parts.push(`from=${Math.floor(options.from)}`);
    if (options.to !== undefined) parts.push(`to=${Math.floor(options.to)}`);
    if (options.maxPoints !== undefined) parts.push(`max_points=${options.maxPoints}`);
    return request<HistoryResponse>(`/api/metrics/history?${parts.join('&')}`);
  },
  control: (action: 'start' | 'pause' | 'resume' | 'stop', body?: Record<string, unknown>) =>
    request<{ accepted: boolean; state: string; run_id: string | null; message: string | null }>(`/api/training/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    }),
};
