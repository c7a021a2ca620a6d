import { createStore, useStore } from 'zustand';
import { useRef } from 'react';
import type { Alert, EpochRecord, MetricsUpdate, Run, ServerMessage, Status, SystemInfo } from '../api/types';
import { formatClassName, toNumber } from '../utils/formatters';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** A short-lived, non-blocking notice (a condition turned critical). */
export interface Toast {
  id: number;
  title: string;
  message: string;
  severity: 'warning' | 'critical';
}

/** The last N system samples, as parallel arrays a chart can draw directly. */
export interface SystemHistory {
  time: number[];
  gpuUsage: (number | null)[];
  gpuMemory: (number | null)[];
  gpuTemp: (number | null)[];
  ram: (number | null)[];
  cpu: (number | null)[];
}

export const SYSTEM_HISTORY_LENGTH = 120;
const MAX_ALERTS = 500;
const MAX_TOASTS = 4;
const REMEMBERED_ALERT_IDS = 2000;

/**
 * The page shows one run at a time: the live run (the server's status.run_id, followed as it changes) unless the
 * user pinned another one in the run picker. Live figures (status, metrics_update, system, toasts) always describe
 * the live run, which the controls act on; epochs, alerts and chart history describe the viewed run.
 */
export interface MonitoringState {
  connection: ConnectionState;
  lastSeq: number | null;
  /** The live run's status. */
  status: Status | null;
  /** The live run's latest metrics_update. */
  metrics: MetricsUpdate | null;
  /** The metrics_update before `metrics`, for trends. */
  previousMetrics: MetricsUpdate | null;
  thresholds: Record<string, number>;
  warningMargin: number;
  system: SystemInfo | null;
  systemHistory: SystemHistory;
  /** Alerts of the viewed run, newest first. */
  alerts: Alert[];
  toasts: Toast[];
  /** Epoch records of the viewed run, in order. */
  epochs: EpochRecord[];
  /** The run chosen in the run picker (`?run=`), or null to follow the live run. */
  pinnedRunId: string | null;
  /** The runs the server has stored (GET /api/runs, newest first); null until first loaded. */
  runs: Run[] | null;
  /** Bumped when the viewed run's history must be reloaded over REST (another run, a reconnect with a gap). */
  historyVersion: number;
  /** Bumped on each metrics_update of the live run: charts showing it fetch the points added since their last one. */
  liveTick: number;
  /** Images a second, from the run's `throughput` series (not part of metrics_update). */
  throughput: number | null;

  setConnection(state: ConnectionState): void;
  /** Applies WebSocket messages in one state change (one render per batch, not per message). */
  applyMessages(messages: ServerMessage[]): void;
  /** Shows `runId`'s history (null: follow the live run). */
  pinRun(runId: string | null): void;
  setRuns(runs: Run[]): void;
  /** Merges alerts fetched for `runId`; a late answer for a run no longer viewed is ignored. */
  setAlerts(runId: string, alerts: Alert[]): void;
  /** Merges epoch records fetched for `runId`; a late answer for a run no longer viewed is ignored. */
  setEpochs(runId: string, epochs: EpochRecord[]): void;
  /** The live run's status, e.g. from a control route's answer (as a `status` message would). */
  setStatus(status: Status): void;
  dismissToast(id: number): void;
  setThroughput(value: number | null): void;
}

type RunView = Pick<MonitoringState, 'pinnedRunId' | 'status'>;

/** The run whose history the page shows: the pinned one, else the live one. */
export function viewedRunId(s: RunView): string | null {
  return s.pinnedRunId ?? s.status?.run_id ?? null;
}

/** Whether the viewed run is the live run, so live updates append to what is shown. */
export function viewingLive(s: RunView): boolean {
  return s.pinnedRunId === null || s.pinnedRunId === (s.status?.run_id ?? null);
}

/**
 * The history version that concerns the viewed run. A (re)connection to the live run can reload what is shown of
 * it; a stored run's figures do not change with it, so its history is not fetched again (a 100,000-point run opened
 * by link would otherwise load twice, the second time after the socket's first message).
 */
export function viewedHistoryVersion(s: RunView & { historyVersion: number }): number {
  return viewingLive(s) ? s.historyVersion : 0;
}

const listed = (runs: readonly Run[] | null, id: string) => runs !== null && runs.some((r) => r.id === id);

/** The viewed run's entry in the loaded run list, or undefined (list not loaded, or the run not stored yet). */
export function viewedRun(s: RunView & Pick<MonitoringState, 'runs'>): Run | undefined {
  const id = viewedRunId(s);
  return id === null ? undefined : s.runs?.find((r) => r.id === id);
}

/**
 * The viewed run's id once the server's run list holds it, else null. Routes under /api/runs/{id} answer 404 for a run
 * not stored yet (a live run is announced before its first write commits), so they are asked only then.
 */
export function storedRunId(s: RunView & Pick<MonitoringState, 'runs'>): string | null {
  const id = viewedRunId(s);
  return id !== null && listed(s.runs, id) ? id : null;
}

/** True when the pinned run is neither live nor in the loaded run list: a link to a run this server does not have. */
export function pinnedRunMissing(s: RunView & Pick<MonitoringState, 'runs'>): boolean {
  return s.runs !== null && s.pinnedRunId !== null && !viewingLive(s) && !listed(s.runs, s.pinnedRunId);
}

/** A run the page needs that the loaded run list lacks (a new live run, a pinned one), or null: the list is due a refresh. */
export function runMissingFromList(s: RunView & Pick<MonitoringState, 'runs'>): string | null {
  if (s.runs === null) return null;
  const live = s.status?.run_id ?? null;
  if (live !== null && !listed(s.runs, live)) return live;
  if (s.pinnedRunId !== null && !listed(s.runs, s.pinnedRunId)) return s.pinnedRunId;
  return null;
}

function emptySystemHistory(): SystemHistory {
  return { time: [], gpuUsage: [], gpuMemory: [], gpuTemp: [], ram: [], cpu: [] };
}

function pushBounded<T>(array: T[], value: T, limit: number): T[] {
  const next = array.length >= limit ? array.slice(array.length - limit + 1) : array.slice();
  next.push(value);
  return next;
}

function appendSystem(history: SystemHistory, s: SystemInfo): SystemHistory {
  const t = Date.parse(s.timestamp) / 1000;
  if (history.time.length > 0 && history.time[history.time.length - 1]! >= t) return history;
  const n = SYSTEM_HISTORY_LENGTH;
  return {
    time: pushBounded(history.time, t, n),
    gpuUsage: pushBounded(history.gpuUsage, s.gpu?.usage_percent ?? null, n),
    gpuMemory: pushBounded(history.gpuMemory, s.gpu?.memory_percent ?? null, n),
    gpuTemp: pushBounded(history.gpuTemp, s.gpu?.temperature_celsius ?? null, n),
    ram: pushBounded(history.ram, s.ram_percent ?? null, n),
    cpu: pushBounded(history.cpu, s.cpu_percent ?? null, n),
  };
}

function upsertEpoch(epochs: EpochRecord[], record: EpochRecord): EpochRecord[] {
  const i = epochs.findIndex((e) => e.epoch === record.epoch);
  if (i >= 0) {
    const next = epochs.slice();
    next[i] = record;
    return next;
  }
  const next = [...epochs, record];
  next.sort((a, b) => a.epoch - b.epoch);
  return next;
}

function addAlert(alerts: Alert[], alert: Alert): Alert[] {
  if (alerts.some((a) => a.id === alert.id)) return alerts;
  return [alert, ...alerts].slice(0, MAX_ALERTS);
}

function toastFor(alert: Alert, id: number): Toast | null {
  if (alert.severity === 'ok') return null;
  const sens = toNumber(alert.sensitivity);
  return {
    id,
    severity: alert.severity,
    title: `${formatClassName(alert.condition)} ${alert.severity}`, // as the conditions panel names it
    message: sens === null ? alert.message : `Sensitivity ${(sens * 100).toFixed(1)} % < threshold ${(alert.threshold * 100).toFixed(1)} %`,
  };
}

let toastCounter = 0;

export function createMonitoringStore() {
  // Alert ids already seen (pushed or fetched): a replayed alert toasts once. Bounded, oldest forgotten first.
  const seenAlerts = new Set<number>();
  const firstSighting = (id: number) => {
    if (seenAlerts.has(id)) return false;
    seenAlerts.add(id);
    if (seenAlerts.size > REMEMBERED_ALERT_IDS) seenAlerts.delete(seenAlerts.values().next().value!);
    return true;
  };

  return createStore<MonitoringState>()((set, get) => ({
    connection: 'connecting',
    lastSeq: null,
    status: null,
    metrics: null,
    previousMetrics: null,
    thresholds: {},
    warningMargin: 0.02,
    system: null,
    systemHistory: emptySystemHistory(),
    alerts: [],
    toasts: [],
    epochs: [],
    pinnedRunId: null,
    runs: null,
    historyVersion: 0,
    liveTick: 0,
    throughput: null,

    setConnection: (connection) => {
      if (get().connection !== connection) set({ connection });
    },

    setStatus: (status) => get().applyMessages([{ ...status, type: 'status', seq: -1 }]),

    applyMessages: (messages) => {
      if (messages.length === 0) return;
      const s = get();
      const { pinnedRunId } = s;
      let { status, metrics, previousMetrics, system, systemHistory, alerts, epochs, toasts, historyVersion, liveTick } = s;
      let lastSeq = s.lastSeq;
      let thresholds = s.thresholds;
      let throughput = s.throughput;
      let warningMargin = s.warningMargin;
      // Another live run: its figures replace the old one's; the view follows it unless a run is pinned.
      const changeLiveRun = (runId: string | null | undefined) => {
        if (!status || runId === undefined || status.run_id === runId) return;
        metrics = null;
        previousMetrics = null;
        toasts = [];
        if (pinnedRunId === null) {
          epochs = [];
          alerts = [];
          historyVersion++;
        }
      };
      const viewed = () => pinnedRunId ?? status?.run_id ?? null;
      for (const m of messages) {
        if (typeof m.seq === 'number' && m.seq >= 0) lastSeq = lastSeq === null ? m.seq : Math.max(lastSeq, m.seq);
        switch (m.type) {
          case 'hello':
            changeLiveRun(m.status.run_id);
            status = m.status;
            thresholds = m.critical_thresholds ?? thresholds;
            warningMargin = m.warning_margin ?? warningMargin;
            if (m.metrics_update) {
              previousMetrics = metrics;
              metrics = m.metrics_update;
            }
            if (m.missed_some || s.lastSeq === null) historyVersion++;
            {
              const points = m.series?.['throughput'];
              const lastPoint = points && points.length > 0 ? points[points.length - 1] : undefined;
              if (lastPoint) throughput = toNumber(lastPoint[1]);
            }
            break;
          case 'status': {
            const { type: _t, seq: _s, ...rest } = m;
            changeLiveRun(rest.run_id);
            status = rest;
            break;
          }
          case 'metrics_update':
            if (m.run_id !== undefined && status && status.run_id !== m.run_id) break; // a stale run's update
            previousMetrics = metrics;
            metrics = m;
            liveTick++;
            break;
          case 'system': {
            const { type: _t, seq: _s, ...rest } = m;
            system = rest;
            systemHistory = appendSystem(systemHistory, rest);
            break;
          }
          case 'epoch_end': {
            const { type: _t, seq: _s, ...rest } = m;
            // A record without run_id is taken as the live run's.
            const runId = rest.run_id ?? status?.run_id ?? null;
            if (runId === null || viewed() === null || runId === viewed()) epochs = upsertEpoch(epochs, rest);
            break;
          }
          case 'alert': {
            const { type: _t, seq: _s, ...rest } = m;
            if (viewed() === null || rest.run_id === viewed()) alerts = addAlert(alerts, rest);
            // Toasts tell of any condition getting worse now, whichever run is on screen.
            const toast = firstSighting(rest.id) ? toastFor(rest, ++toastCounter) : null;
            if (toast) toasts = [...toasts, toast].slice(-MAX_TOASTS);
            break;
          }
        }
      }
      set({ status, metrics, previousMetrics, system, systemHistory, alerts, epochs, toasts, historyVersion, liveTick, lastSeq, thresholds, warningMargin, throughput });
    },

    pinRun: (runId) => {
      const s = get();
      const pinnedRunId = runId === '' ? null : runId;
      if (pinnedRunId === s.pinnedRunId) return;
      const sameRun = viewedRunId(s) === viewedRunId({ pinnedRunId, status: s.status });
      set({ pinnedRunId, ...(sameRun ? {} : { epochs: [], alerts: [], historyVersion: s.historyVersion + 1 }) });
    },

    setRuns: (runs) => set({ runs }),

    setAlerts: (runId, incoming) => {
      const s = get();
      if (runId !== viewedRunId(s)) return;
      // The REST list and pushed alerts merge by id, newest first.
      const byId = new Map<number, Alert>();
      for (const a of [...incoming, ...s.alerts]) {
        byId.set(a.id, a);
        firstSighting(a.id);
      }
      const alerts = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ALERTS);
      set({ alerts });
    },

    setEpochs: (runId, records) => {
      const s = get();
      if (runId !== viewedRunId(s)) return;
      let epochs = s.epochs;
      for (const r of records) epochs = upsertEpoch(epochs, r);
      set({ epochs });
    },

    setThroughput: (throughput) => {
      if (get().throughput !== throughput) set({ throughput });
    },

    dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  }));
}

export type MonitoringStore = ReturnType<typeof createMonitoringStore>;

/** The app's one store. */
export const monitoringStore = createMonitoringStore();

/** Subscribes a component to a slice of the store (re-renders only when the slice changes). */
export function useMonitoring<T>(selector: (state: MonitoringState) => T): T {
  return useStore(monitoringStore, selector);
}

/** Calls `listener` after each live update (metrics_update of the live run) is applied; returns the unsubscribe. */
export function onLiveUpdate(listener: (state: MonitoringState) => void): () => void {
  return monitoringStore.subscribe((s, prev) => {
    if (s.liveTick !== prev.liveTick) listener(s);
  });
}

/**
 * Like {@link useMonitoring}, for a slice rebuilt on every update: a new value `isEqual` to the last one is dropped
 * in favour of the last one, so the component re-renders only when the slice really changes.
 */
export function useMonitoringEqual<T>(selector: (state: MonitoringState) => T, isEqual: (a: T, b: T) => boolean): T {
  const last = useRef<{ value: T } | null>(null);
  return useMonitoring((s) => {
    const next = selector(s);
    const kept = last.current;
    if (kept && isEqual(kept.value, next)) return kept.value;
    last.current = { value: next };
    return next;
  });
}
