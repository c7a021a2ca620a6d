import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../store/monitoring';
import type { ServerMessage } from '../api/types';
import { backoffDelay, ReconnectingSocket, type SocketLike } from './reconnectingSocket';

class FakeSocket implements SocketLike {
  onopen: ((ev: never) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: never) => void) | null = null;
  onerror: ((ev: never) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.(undefined as never);
  }
  send(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  drop() {
    this.onclose?.(undefined as never);
  }
  close() {
    this.closed = true;
  }
}

function harness(options: { offlineAfter?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const batches: ServerMessage[][] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const client = new ReconnectingSocket({
    url: 'ws://host/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onMessages: (m) => batches.push(m),
    onState: (s) => states.push(s),
    random: () => 0.5, // no jitter
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
    ...options,
  });
  return { client, sockets, states, batches, timers };
}

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with jitter of ±20 %', () => {
    expect(backoffDelay(1, 500, 10_000, () => 0.5)).toBe(500);
    expect(backoffDelay(2, 500, 10_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 500, 10_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, 500, 10_000, () => 0.5)).toBe(10_000);
    expect(backoffDelay(1, 500, 10_000, () => 0)).toBe(400);
    expect(backoffDelay(1, 500, 10_000, () => 1)).toBe(600);
  });
});

describe('ReconnectingSocket', () => {
  it('goes live on open and delivers parsed messages', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.open();
    h.sockets[0]!.send({ type: 'status', seq: 4 });
    expect(h.states).toEqual(['live']);
    expect(h.batches).toHaveLength(1);
    expect(h.batches[0]![0]!.type).toBe('status');
  });

  it('reconnects after a drop with ?since= the last seq it saw', () => {
    const h = harness();
    h.client.start();
    expect(h.sockets[0]!.url).toBe('ws://host/ws');
    h.sockets[0]!.open();
    h.sockets[0]!.send({ type: 'hello', seq: 7 });
    h.sockets[0]!.send({ type: 'metrics_update', seq: 9 });
    h.sockets[0]!.drop();
    expect(h.states.at(-1)).toBe('reconnecting');
    expect(h.timers).toHaveLength(1);
    h.timers[0]!.fn();
    expect(h.sockets[1]!.url).toBe('ws://host/ws?since=9');
    h.sockets[1]!.open();
    expect(h.states.at(-1)).toBe('live');
  });

  it('backs off exponentially while the server stays away, reads offline after enough failures, and resets on success', () => {
    const h = harness({ offlineAfter: 3 });
    h.client.start();
    for (let i = 0; i < 4; i++) {
      h.sockets[i]!.drop();
      h.timers[i]!.fn();
    }
    expect(h.timers.map((t) => t.ms)).toEqual([500, 1000, 2000, 4000]);
    expect(h.states).toEqual(['reconnecting', 'reconnecting', 'offline', 'offline']);
    h.sockets[4]!.open();
    h.sockets[4]!.drop();
    expect(h.timers.at(-1)!.ms).toBe(500);
    expect(h.states.at(-1)).toBe('reconnecting');
  });

  it('ignores messages that are not JSON and keeps seq monotonic', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.onmessage?.({ data: 'not json' } as MessageEvent);
    h.sockets[0]!.send({ type: 'alert', seq: 12 });
    h.sockets[0]!.send({ type: 'status', seq: 11 });
    expect(h.client.lastSeq).toBe(12);
    expect(h.batches.flat()).toHaveLength(2);
  });

  it('stops for good: closes the socket and does not reconnect', () => {
    const h = harness();
    h.client.start();
    h.client.stop();
    expect(h.sockets[0]!.closed).toBe(true);
    h.sockets[0]!.drop();
    expect(h.timers).toHaveLength(0);
  });

  it('batches messages until the scheduled flush', () => {
    const queued: (() => void)[] = [];
    const batches: ServerMessage[][] = [];
    const sockets: FakeSocket[] = [];
    const client = new ReconnectingSocket({
      url: 'ws://h/ws',
      createSocket: (u) => {
        const s = new FakeSocket(u);
        sockets.push(s);
        return s;
      },
      onMessages: (m) => batches.push(m),
      onState: () => undefined,
      schedule: (fn) => queued.push(fn),
    });
    client.start();
    for (let i = 1; i <= 5; i++) sockets[0]!.send({ type: 'metrics_update', seq: i });
    expect(batches).toHaveLength(0);
    expect(queued).toHaveLength(1);
    queued[0]!();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(5);
  });
});
