import { describe, expect, it } from 'vitest';
import type { Alert, MetricsUpdate, Run, ServerMessage, Status, SystemInfo } from '../api/types';
import { createMonitoringStore, pinnedRunMissing, runMissingFromList, storedRunId, SYSTEM_HISTORY_LENGTH, viewedHistoryVersion, viewedRun, viewedRunId, viewingLive } from './monitoring';

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

const alert = (id: number, severity: Alert['severity'] = 'critical', run = 'r1'): Alert => ({
  id, run_id: run, time: '2026-01-01T00:00:01Z', condition: 'RAO', severity, sensitivity: 0.9, threshold: 0.99, epoch: 1, message: 'RAO below',
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
    expect(store.getState().toasts[0]!.title).toBe('RAO critical');
    store.getState().setAlerts('r1', [alert(1), alert(2), alert(3)]);
    expect(store.getState().alerts.map((a) => a.id)).toEqual([3, 2, 1]);
    store.getState().dismissToast(store.getState().toasts[0]!.id);
    expect(store.getState().toasts).toHaveLength(0);
  });

  it('names a toast\'s condition as the conditions panel does, not by its configuration key', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { type: 'alert', seq: 11, ...alert(4), condition: 'Retinal_Detachment' }]);
    expect(store.getState().toasts.map((t) => t.title)).toEqual(['Retinal Detachment critical']);
  });

  it('keeps epochs ordered and replaced by number', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), { type: 'epoch_end', seq: 11, run_id: 'r1', epoch: 2 }, { type: 'epoch_end', seq: 12, run_id: 'r1', epoch: 1 }]);
    store.getState().setEpochs('r1', [{ epoch: 2, val_loss: 0.5 }]);
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

const run = (id: string): Run => ({
  id, name: id, state: 'completed', source: 'vigil', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T01:00:00Z', config: null, hyperparameters: null,
});

const epochEnd = (runId: string | undefined, epoch: number, seq: number): ServerMessage => ({ type: 'epoch_end', seq, ...(runId ? { run_id: runId } : {}), epoch });

describe('run selection', () => {
  it('finds the viewed run in the run list once it is listed', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    expect(viewedRun(store.getState())).toBeUndefined(); // list not loaded
    store.getState().setRuns([run('old'), run('r1')]);
    expect(viewedRun(store.getState())?.id).toBe('r1');
    store.getState().pinRun('old');
    expect(viewedRun(store.getState())?.id).toBe('old');
    store.getState().pinRun('gone');
    expect(viewedRun(store.getState())).toBeUndefined();
  });

  it('follows the live run by default', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    const s = store.getState();
    expect(s.pinnedRunId).toBeNull();
    expect(viewedRunId(s)).toBe('r1');
    expect(viewingLive(s)).toBe(true);
  });

  it('follows a new live run: its epochs replace the old ones and charts reload', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), epochEnd('r1', 1, 11)]);
    const before = store.getState().historyVersion;
    store.getState().applyMessages([{ type: 'status', seq: 12, ...status({ run_id: 'r2' }) }, epochEnd('r2', 1, 13)]);
    const s = store.getState();
    expect(viewedRunId(s)).toBe('r2');
    expect(s.epochs).toEqual([{ run_id: 'r2', epoch: 1 }]);
    expect(s.historyVersion).toBe(before + 1);
  });

  it('pinning another run clears the view and asks for its history; the live run stays in status', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), epochEnd('r1', 1, 11), { type: 'alert', seq: 12, ...alert(1) }]);
    const before = store.getState().historyVersion;
    store.getState().pinRun('old');
    const s = store.getState();
    expect(viewedRunId(s)).toBe('old');
    expect(viewingLive(s)).toBe(false);
    expect(s.status?.run_id).toBe('r1');
    expect(s.epochs).toEqual([]);
    expect(s.alerts).toEqual([]);
    expect(s.historyVersion).toBe(before + 1);
  });

  it('keeps a pinned run on screen while the live run goes on or changes', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    store.getState().pinRun('old');
    store.getState().setEpochs('old', [{ epoch: 1, val_loss: 0.9 }, { epoch: 2, val_loss: 0.8 }]);
    const version = store.getState().historyVersion;
    store.getState().applyMessages([epochEnd('r1', 5, 11), { type: 'status', seq: 12, ...status({ run_id: 'r2' }) }, { ...metrics(1, 'r2'), seq: 13 }, { type: 'alert', seq: 14, ...alert(7, 'critical', 'r2') }]);
    const s = store.getState();
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.alerts).toEqual([]);
    expect(s.historyVersion).toBe(version);
    // Live figures still follow the live run, for the controls and the toasts.
    expect(s.status?.run_id).toBe('r2');
    expect(s.metrics?.run_id).toBe('r2');
    expect(s.toasts).toHaveLength(1);
  });

  it('appends live updates when the pinned run is the live run', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    store.getState().pinRun('r1');
    expect(viewingLive(store.getState())).toBe(true);
    store.getState().applyMessages([epochEnd('r1', 1, 11), epochEnd(undefined, 2, 12), { type: 'alert', seq: 13, ...alert(4) }]);
    const s = store.getState();
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.alerts.map((a) => a.id)).toEqual([4]);
  });

  it('ignores a late REST answer for a run no longer viewed', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    store.getState().pinRun('a');
    store.getState().pinRun('b');
    store.getState().setEpochs('a', [{ epoch: 1 }]);
    store.getState().setAlerts('a', [alert(1, 'critical', 'a')]);
    expect(store.getState().epochs).toEqual([]);
    expect(store.getState().alerts).toEqual([]);
    store.getState().setEpochs('b', [{ epoch: 3 }]);
    expect(store.getState().epochs.map((e) => e.epoch)).toEqual([3]);
  });

  it('returns to the live run: the view reloads and live epochs append again', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    store.getState().pinRun('old');
    store.getState().setEpochs('old', [{ epoch: 1 }]);
    const version = store.getState().historyVersion;
    store.getState().pinRun(null);
    expect(viewedRunId(store.getState())).toBe('r1');
    expect(store.getState().epochs).toEqual([]);
    expect(store.getState().historyVersion).toBe(version + 1);
    store.getState().applyMessages([epochEnd('r1', 4, 11)]);
    expect(store.getState().epochs.map((e) => e.epoch)).toEqual([4]);
  });

  it('pinning the run already shown changes nothing but the pin', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello(), epochEnd('r1', 1, 11)]);
    const version = store.getState().historyVersion;
    store.getState().pinRun('r1');
    expect(store.getState().pinnedRunId).toBe('r1');
    expect(store.getState().epochs).toHaveLength(1);
    expect(store.getState().historyVersion).toBe(version);
  });

  it('asks for stored records only once the run list holds the run, and names a pinned run the server lacks', () => {
    const store = createMonitoringStore();
    store.getState().pinRun('nope');
    store.getState().applyMessages([hello()]);
    expect(storedRunId(store.getState())).toBeNull();
    expect(pinnedRunMissing(store.getState())).toBe(false); // not known yet: the list has not loaded
    expect(runMissingFromList(store.getState())).toBeNull();
    store.getState().setRuns([run('old')]);
    expect(pinnedRunMissing(store.getState())).toBe(true);
    expect(runMissingFromList(store.getState())).toBe('r1'); // the live run first: it may not be committed yet
    store.getState().setRuns([run('r1'), run('old')]);
    expect(runMissingFromList(store.getState())).toBe('nope');
    store.getState().pinRun('old');
    expect(storedRunId(store.getState())).toBe('old');
    expect(pinnedRunMissing(store.getState())).toBe(false);
    expect(runMissingFromList(store.getState())).toBeNull();
  });

  it('toasts an alert once, even when it is replayed or was fetched first', () => {
    const store = createMonitoringStore();
    store.getState().applyMessages([hello()]);
    store.getState().setAlerts('r1', [alert(1)]);
    store.getState().applyMessages([{ type: 'alert', seq: 11, ...alert(1) }, { type: 'alert', seq: 12, ...alert(2) }, { type: 'alert', seq: 13, ...alert(2) }]);
    expect(store.getState().toasts).toHaveLength(1);
    expect(store.getState().alerts.map((a) => a.id)).toEqual([2, 1]);
  });

  it('reloads what is shown on a (re)connection only when the live run is viewed', () => {
    const store = createMonitoringStore();
    store.getState().pinRun('stored');
    store.getState().applyMessages([hello()]);
    expect(viewedHistoryVersion(store.getState())).toBe(0);
    store.getState().applyMessages([hello({ seq: 20, missed_some: true })]);
    expect(viewedHistoryVersion(store.getState())).toBe(0);
    store.getState().pinRun('');
    const live = viewedHistoryVersion(store.getState());
    expect(live).toBe(store.getState().historyVersion);
    store.getState().applyMessages([hello({ seq: 30, missed_some: true })]);
    expect(viewedHistoryVersion(store.getState())).toBe(live + 1);
  });
});
