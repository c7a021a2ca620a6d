import type { HistoryResponse } from '../api/types';

type HistorySeries = HistoryResponse['series'][number];

/** One reader of a live run's new points (a chart, the throughput figure). */
export interface LiveReader {
  /** The series it reads. */
  names: readonly string[];
  /** Whether it holds its history yet (until then its last steps are unknown and it is left out of the poll). */
  ready(): boolean;
  /** The step of the last point it holds of `name`, or null. */
  lastStep(name: string): number | null;
  /** The new buckets of its series (a series may overlap what it holds by a point or so). */
  deliver(series: HistorySeries[]): void;
}

export interface LivePollerDeps {
  history(runId: string, names: string[], options: { from?: number; maxPoints?: number }): Promise<HistoryResponse>;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface LivePollerOptions {
  /** Least time between two requests (ms). */
  intervalMs: number;
  /** How long an answer may wait for the next live update before it is delivered on its own (ms). */
  holdMs: number;
  /** Buckets asked per request. */
  maxPoints: number;
}

export interface LivePoller {
  /** Adds a reader of `runId`'s new points; returns its removal. */
  add(runId: string, reader: LiveReader): () => void;
  /** A live update of `runId` arrived: poll if due, and deliver a held answer now (in the update's own render). */
  tick(runId: string): void;
}

/**
 * Reads the new points of a live run for every reader at once: one history request per interval for all their
 * series (instead of one per chart), and its answer held until the next live update so the charts redraw in the same
 * frame as the figures that update carries, not in a frame of their own. A held answer is delivered after `holdMs`
 * anyway (the run paused or ended meanwhile).
 */
export function createLivePoller(deps: LivePollerDeps, options: LivePollerOptions): LivePoller {
  const readers = new Map<string, Set<LiveReader>>();
  let inFlight = false;
  let lastRequest = -Infinity;
  let held: { runId: string; series: HistorySeries[]; timer: unknown } | null = null;

  const deliver = () => {
    if (!held) return;
    const { runId, series, timer } = held;
    held = null;
    deps.clearTimer(timer);
    for (const reader of readers.get(runId) ?? []) {
      const mine = series.filter((s) => reader.names.includes(s.series));
      if (mine.length > 0) reader.deliver(mine);
    }
  };

  const poll = (runId: string) => {
    const ready = [...(readers.get(runId) ?? [])].filter((r) => r.ready());
    if (ready.length === 0) return;
    const names = [...new Set(ready.flatMap((r) => r.names))];
    const known = ready.flatMap((r) => r.names.map((n) => r.lastStep(n))).filter((l): l is number => l !== null);
    // From the oldest last point held, so every reader gets at least what it lacks (a series with no point held yet
    // gets its points from there on). Nothing held at all: the whole series, downsampled to maxPoints.
    const from = known.length > 0 ? Math.min(...known) + 1 : undefined;
    inFlight = true;
    lastRequest = deps.now();
    deps
      .history(runId, names, { from, maxPoints: options.maxPoints })
      .then((answer) => {
        if (held) deliver();
        held = { runId, series: answer.series, timer: deps.setTimer(deliver, options.holdMs) };
      })
      .catch(() => {
        /* the next tick retries */
      })
      .finally(() => {
        inFlight = false;
      });
  };

  return {
    add(runId, reader) {
      let set = readers.get(runId);
      if (!set) readers.set(runId, (set = new Set()));
      set.add(reader);
      return () => {
        set.delete(reader);
        if (set.size === 0) readers.delete(runId);
      };
    },
    tick(runId) {
      if (held?.runId === runId) deliver();
      if (!inFlight && deps.now() - lastRequest >= options.intervalMs) poll(runId);
    },
  };
}
