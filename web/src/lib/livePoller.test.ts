import { describe, expect, it } from 'vitest';
import type { HistoryResponse } from '../api/types';
import { createLivePoller, type LiveReader } from './livePoller';

type Call = { runId: string; names: string[]; from?: number; resolve: (r: HistoryResponse) => void; reject: (e: unknown) => void };

function harness(options = { intervalMs: 1000, holdMs: 250, maxPoints: 1000 }) {
  let now = 0;
  const calls: Call[] = [];
  const timers: { fn: () => void; at: number; handle: number }[] = [];
  let nextHandle = 1;
  const poller = createLivePoller(
    {
      history: (runId, names, o) => new Promise((resolve, reject) => calls.push({ runId, names, from: o.from, resolve, reject })),
      now: () => now,
      setTimer: (fn, ms) => {
        const handle = nextHandle++;
        timers.push({ fn, at: now + ms, handle });
        return handle;
      },
      clearTimer: (h) => {
        const i = timers.findIndex((t) => t.handle === h);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    options,
  );
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  return { poller, calls, advance, timers };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function reader(names: string[], lasts: Record<string, number | null>, ready = true) {
  const delivered: string[][] = [];
  const r: LiveReader = {
    names,
    ready: () => ready,
    lastStep: (n) => lasts[n] ?? null,
    deliver: (series) => delivered.push(series.map((s) => `${s.series}@${s.buckets.at(-1)?.last_step}`)),
  };
  return { r, delivered };
}

const answer = (series: [string, number][]): HistoryResponse => ({
  run_id: 'r',
  max_points: 1000,
  series: series.map(([name, step]) => ({ series: name, total_points: 1, buckets: [{ first_step: step, last_step: step, count: 1, min: 1, max: 1, last: 1 }] })),
});

describe('createLivePoller', () => {
  it('asks once for every reader, from the oldest last point held', () => {
    const h = harness();
    const loss = reader(['loss/train', 'loss/val'], { 'loss/train': 120, 'loss/val': 100 });
    const metrics = reader(['val_accuracy'], { val_accuracy: 90 });
    h.poller.add('r', loss.r);
    h.poller.add('r', metrics.r);
    h.poller.tick('r');
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.names.sort()).toEqual(['loss/train', 'loss/val', 'val_accuracy']);
    expect(h.calls[0]!.from).toBe(91);
  });

  it('asks the whole series when no reader holds a point, and leaves out readers still loading their history', () => {
    const h = harness();
    const fresh = reader(['throughput'], {});
    const loading = reader(['loss/train'], { 'loss/train': 5 }, false);
    h.poller.add('r', fresh.r);
    h.poller.add('r', loading.r);
    h.poller.tick('r');
    expect(h.calls[0]!.names).toEqual(['throughput']);
    expect(h.calls[0]!.from).toBeUndefined();
  });

  it('holds the answer until the next live update, then gives each reader its own series', async () => {
    const h = harness();
    const loss = reader(['loss/train'], { 'loss/train': 1 });
    const tp = reader(['throughput'], { throughput: 1 });
    h.poller.add('r', loss.r);
    h.poller.add('r', tp.r);
    h.poller.tick('r');
    h.calls[0]!.resolve(answer([['loss/train', 7], ['throughput', 6]]));
    await flush();
    expect(loss.delivered).toEqual([]);
    h.poller.tick('r');
    expect(loss.delivered).toEqual([['loss/train@7']]);
    expect(tp.delivered).toEqual([['throughput@6']]);
    expect(h.timers).toHaveLength(0);
  });

  it('delivers a held answer on its own when no update follows (paused, ended)', async () => {
    const h = harness();
    const loss = reader(['loss/train'], { 'loss/train': 1 });
    h.poller.add('r', loss.r);
    h.poller.tick('r');
    h.calls[0]!.resolve(answer([['loss/train', 9]]));
    await flush();
    h.advance(249);
    expect(loss.delivered).toEqual([]);
    h.advance(1);
    expect(loss.delivered).toEqual([['loss/train@9']]);
  });

  it('asks at most once per interval and never while a request is out', async () => {
    const h = harness();
    h.poller.add('r', reader(['a'], { a: 1 }).r);
    h.poller.tick('r');
    h.advance(2000);
    h.poller.tick('r');
    expect(h.calls).toHaveLength(1); // still out
    h.calls[0]!.reject(new Error('offline'));
    await flush();
    h.poller.tick('r');
    expect(h.calls).toHaveLength(2); // failed: retried at the next update
    h.calls[1]!.resolve(answer([['a', 2]]));
    await flush();
    h.advance(500);
    h.poller.tick('r');
    expect(h.calls).toHaveLength(2);
    h.advance(500);
    h.poller.tick('r');
    expect(h.calls).toHaveLength(3);
  });

  it('gives nothing to a reader removed before the answer, and ignores another run', async () => {
    const h = harness();
    const gone = reader(['a'], { a: 1 });
    const remove = h.poller.add('r', gone.r);
    h.poller.tick('other');
    expect(h.calls).toHaveLength(0);
    h.poller.tick('r');
    remove();
    h.calls[0]!.resolve(answer([['a', 2]]));
    await flush();
    h.poller.tick('r');
    expect(gone.delivered).toEqual([]);
  });
});
