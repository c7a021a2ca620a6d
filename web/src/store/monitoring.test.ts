import { describe, expect, it } from 'vitest';
import type { Alert, MetricsUpdate, ServerMessage, Status, SystemInfo } from '../api/types';
import { createMonitoringStore, SYSTEM_HISTORY_LENGTH } from './monitoring';

const status = (over: Partial<Status> = {}): Status => ({
  run_id: 'r1', state: 'running', epoch: 1, epochs: 10, batch: 5, total_batches: 100, global_step: 5,
  started_at: '2026-01-01T00:00:00Z', elapsed_seconds: 1, eta_seconds: 100, message: null, updated_at: '2026-01-01T00:00:01Z', ...over,
});

const metrics = (loss: number, run = 'r1'): MetricsUpdate => ({
  type: 'metrics_update', run_id: run, epoch: 1, batch: 5, total_batches: 100,
  metrics: {
    loss: { train: loss }, accuracy: { train: 0.5 }, auc_roc: { macro: null, weighted: null }, f1_score: null, learning_rate: 0.001,
    critical_conditions: { RAO: { sensitivity: 0.9, threshold: 0.99, status: 'critical' } }, per_class: {},
  },
  system: { gpu_usage: null, gpu_memory: null, gpu_temp: null, ram_usage: 10, eta_seconds: 100 },
  timestamp: '2026-01-01T00:00:01Z',
});

const alert = (id: number, severity: Alert['severity'] = 'critical'): Alert => ({
  id, run_id: 'r1', time: '2026-01-01T00:00:01Z', condition: 'RAO', severity, sensitivity: 0.9, threshold: 0.99, epoch: 1, message: 'RAO below',
});

const hello = (over: Partial<Extract<ServerMessage, { type: 'hello' }>> = {}): ServerMessage => ({
  type: 'hello', seq: 10, missed_some: false, status: status(), metrics_update: null, critical_thresholds: { RAO: 0.99 }, warning_margin: 0.02,
  series: { throughput: [[1, 300], [2, 410]] }, ...over,
});

const system = (second: number): ServerMessage => ({
  type: 'system', seq: 100 + second, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(), cpu_percent: 50, cpu_count: 2,
  ram_used_bytes: 1, ram_total_bytes: 2, ram_percent: 50, process_bytes: 1, gpu: null, gpu_status: 'unavailable',
} as SystemInfo & { type: 'system'; seq: number });

describe('monitoring store', () => {
  it('takes status, thresholds and throughput from hello, and tracks the last seq', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    const s = store.getState();
    expect(s.status?.run_id).toBe('r1');
    expect(s.thresholds).toEqual({ RAO: 0.99 });
    expect(s.throughput).toBe(410);
    expect(s.lastSeq).toBe(10);
  });

  it('keeps the previous metrics for trends and ticks once per update', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { ...metrics(2), seq: 11 }, { ...metrics(1.5), seq: 12 }]);
    const s = store.getState();
    expect(s.metrics?.metrics.loss.train).toBe(1.5);
    expect(s.previousMetrics?.metrics.loss.train).toBe(2);
    expect(s.liveTick).toBe(2);
    expect(s.lastSeq).toBe(12);
  });

  it('applies a batch of messages as one state change', () => {
    const store = createMonitoringStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    store.getState().applyMessages([hello(), { ...metrics(2), seq: 11 }, system(1), system(2)]);
    expect(notifications).toBe(1);
  });

  it('resets run-scoped state when the run changes, and asks charts to reload', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { ...metrics(2), seq: 11 }, { type: 'alert', seq: 12, ...alert(1) }]);
    const before = store.getState().historyVersion;
    store.getState().applyMessages([{ type: 'status', seq: 13, ...status({ run_id: 'r2' }) }]);
    const s = store.getState();
    expect(s.status?.run_id).toBe('r2');
    expect(s.metrics).toBeNull();
    expect(s.alerts).toEqual([]);
    expect(s.historyVersion).toBe(before + 1);
  });

  it('ignores a metrics_update of another run', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { ...metrics(2, 'old'), seq: 11 }]);
    expect(store.getState().metrics).toBeNull();
  });

  it('raises a toast for a new alert once, and merges REST alerts by id', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { type: 'alert', seq: 11, ...alert(3) }, { type: 'alert', seq: 12, ...alert(3) }]);
    expect(store.getState().toasts).toHaveLength(1);
    expect(store.getState().toasts[0]!.severity).toBe('critical');
    store.getState().setAlerts([alert(1), alert(2), alert(3)]);
    expect(store.getState().alerts.map((a) => a.id)).toEqual([3, 2, 1]);
    store.getState().dismissToast(store.getState().toasts[0]!.id);
    expect(store.getState().toasts).toHaveLength(0);
  });

  it('keeps epochs ordered and replaced by number', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { type: 'epoch_end', seq: 11, run_id: 'r1', epoch: 2 }, { type: 'epoch_end', seq: 12, run_id: 'r1', epoch: 1 }]);
    store.getState().setEpochs([{ epoch: 2, val_loss: 0.5 }]);
    const e = store.getState().epochs;
    expect(e.map((x) => x.epoch)).toEqual([1, 2]);
    expect(e[1]!.val_loss).toBe(0.5);
  });

  it('keeps a bounded system history and drops out-of-order samples', () => {
    const store = createMonitoringStore();
    const msgs: ServerMessage[] = [];
    for (let i = 0; i < SYSTEM_HISTORY_LENGTH + 30; i++) msgs.push(system(i));
    msgs.push(system(5));
    store.getState().applyMessages(msgs);
    const h = store.getState().systemHistory;
    expect(h.time).toHaveLength(SYSTEM_HISTORY_LENGTH);
    expect(h.gpuUsage.every((v) => v === null)).toBe(true);
    expect(h.ram[0]).toBe(50);
  });

  it('asks for a history reload when the server says the replay missed some', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    const v = store.getState().historyVersion;
    store.getState().applyMessages([hello({ seq: 50, missed_some: false })]);
    expect(store.getState().historyVersion).toBe(v);
    store.getState().applyMessages([hello({ seq: 60, missed_some: true })]);
    expect(store.getState().historyVersion).toBe(v + 1);
  });
});
