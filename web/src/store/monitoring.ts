import { createStore, useStore } from 'zustand';
import type { Alert, EpochRecord, MetricsUpdate, ServerMessage, Status, SystemInfo } from '../api/types';
import { toNumber } from '../utils/formatters';

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

export interface MonitoringState {
  connection: ConnectionState;
  lastSeq: number | null;
  status: Status | null;
  metrics: MetricsUpdate | null;
  /** The metrics_update before `metrics`, for trends. */
  previousMetrics: MetricsUpdate | null;
  thresholds: Record<string, number>;
  warningMargin: number;
  system: SystemInfo | null;
  systemHistory: SystemHistory;
  alerts: Alert[];
  toasts: Toast[];
  epochs: EpochRecord[];
  /** Bumped when a chart must reload its history over REST (reconnect with a gap, new run). */
  historyVersion: number;
  /** Bumped on each metrics_update: charts fetch the points added since their last one. */
  liveTick: number;
  /** Images a second, from the run's `throughput` series (not part of metrics_update). */
  throughput: number | null;

  setConnection(state: ConnectionState): void;
  /** Applies WebSocket messages in one state change (one render per batch, not per message). */
  applyMessages(messages: ServerMessage[]): void;
  setAlerts(alerts: Alert[]): void;
  setEpochs(epochs: EpochRecord[]): void;
  setStatus(status: Status): void;
  dismissToast(id: number): void;
  setThroughput(value: number | null): void;
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

let toastCounter = 0;

/** Run-scoped state goes when the run changes; the connection and system samples stay. */
function runReset(): Partial<MonitoringState> {
  return { metrics: null, previousMetrics: null, epochs: [], alerts: [], toasts: [] };
}

export function createMonitoringStore() {
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
    historyVersion: 0,
    liveTick: 0,
    throughput: null,

    setConnection: (connection) => {
      if (get().connection !== connection) set({ connection });
    },

    setStatus: (status) => {
      const current = get();
      const runChanged = current.status !== null && current.status.run_id !== status.run_id;
      set({ status, ...(runChanged ? { ...runReset(), historyVersion: current.historyVersion + 1 } : {}) });
    },

    applyMessages: (messages) => {
      if (messages.length === 0) return;
      const s = get();
      let { status, metrics, previousMetrics, system, systemHistory, alerts, epochs, toasts, historyVersion, liveTick } = s;
      let lastSeq = s.lastSeq;
      let thresholds = s.thresholds;
      let throughput = s.throughput;
      let warningMargin = s.warningMargin;
      const changeRun = (runId: string | null | undefined) => {
        if (status && runId !== undefined && status.run_id !== runId) {
          metrics = null;
          previousMetrics = null;
          epochs = [];
          alerts = [];
          toasts = [];
          historyVersion++;
        }
      };
      for (const m of messages) {
        if (typeof m.seq === 'number' && m.seq >= 0) lastSeq = lastSeq === null ? m.seq : Math.max(lastSeq, m.seq);
        switch (m.type) {
          case 'hello':
            changeRun(m.status.run_id);
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
            changeRun(rest.run_id);
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
            if (!status || !rest.run_id || rest.run_id === status.run_id) epochs = upsertEpoch(epochs, rest);
            break;
          }
          case 'alert': {
            const { type: _t, seq: _s, ...rest } = m;
            const before = alerts;
            alerts = addAlert(alerts, rest);
            if (alerts !== before && rest.severity !== 'ok') {
              const sens = toNumber(rest.sensitivity);
              toasts = [
                ...toasts,
                {
                  id: ++toastCounter,
                  severity: rest.severity,
                  title: `${rest.condition} ${rest.severity}`,
                  message: sens === null ? rest.message : `Sensitivity ${(sens * 100).toFixed(1)} % < threshold ${(rest.threshold * 100).toFixed(1)} %`,
                },
              ].slice(-MAX_TOASTS);
            }
            break;
          }
        }
      }
      set({ status, metrics, previousMetrics, system, systemHistory, alerts, epochs, toasts, historyVersion, liveTick, lastSeq, thresholds, warningMargin, throughput });
    },

    setAlerts: (incoming) => {
      // The REST list and pushed alerts merge by id, newest first.
      const byId = new Map<number, Alert>();
      for (const a of [...incoming, ...get().alerts]) byId.set(a.id, a);
      const alerts = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ALERTS);
      set({ alerts });
    },

    setEpochs: (records) => {
      let epochs = get().epochs;
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
