import type { ServerMessage } from '../api/types';
import type { ConnectionState } from '../store/monitoring';

/** The part of the browser WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  close(): void;
}

export interface ReconnectOptions {
  /** Base WebSocket URL, e.g. ws://host:port/ws. */
  url: string;
  createSocket: (url: string) => SocketLike;
  onMessages: (messages: ServerMessage[]) => void;
  onState: (state: ConnectionState) => void;
  /** First retry delay; doubles per failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failed attempts in a row after which the state reads "offline" (it keeps retrying). */
  offlineAfter?: number;
  /** 0..1 random source for jitter, so clients do not reconnect in lock-step after a server restart. */
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Batches messages until the next flush (one store update per frame); default: deliver at once. */
  schedule?: (fn: () => void) => void;
}

/** Delay before retry number `attempt` (1-based): exponential with ±20 % jitter, capped. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const raw = Math.min(max, base * Math.pow(2, Math.max(0, attempt - 1)));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/**
 * A WebSocket to /ws that reconnects with backoff and resumes with ?since=<last seq>, so the server replays what was
 * missed (epoch_end and alert messages, the newest metrics/status/system).
 */
export class ReconnectingSocket {
  private readonly o: Required<Omit<ReconnectOptions, 'schedule'>> & Pick<ReconnectOptions, 'schedule'>;
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private failures = 0;
  private stopped = false;
  private pending: ServerMessage[] = [];
  private flushQueued = false;
  lastSeq: number | null = null;

  constructor(options: ReconnectOptions) {
    this.o = {
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      offlineAfter: 5,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** The URL of the next connection: with ?since= once a message has been seen. */
  connectUrl(): string {
    if (this.lastSeq === null) return this.o.url;
    return `${this.o.url}${this.o.url.includes('?') ? '&' : '?'}since=${this.lastSeq}`;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      s.close();
    }
  }

  private open(): void {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.connectUrl());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.o.onState('live');
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {
      /* onclose follows and decides */
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.failures++;
    this.o.onState(this.failures >= this.o.offlineAfter ? 'offline' : 'reconnecting');
    const delay = backoffDelay(this.failures, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random);
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return; // not ours; the server only sends JSON
    }
    if (typeof message.seq === 'number') this.lastSeq = this.lastSeq === null ? message.seq : Math.max(this.lastSeq, message.seq);
    this.pending.push(message);
    if (!this.o.schedule) {
      this.flush();
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      this.o.schedule(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.o.onMessages(batch);
  }
}
