import { passThrough } from '../toxics/noop';
import type { Chunk, ReadResult, ToxicStub } from '../toxics/toxic';
import { Fifo } from './fifo';
import type { ToxicConfig } from './toxic-config';

/** What flows between stages: chunks, then at most one 'end'. */
export type Item = Chunk | 'end';

/** Where a stage (or a link's reader) hands its output. */
export interface Sink {
  push(item: Item): void;
}

/** What a stage needs from its link. */
export interface StageHost {
  now(): number;
  random(): number;
  /** Bytes entered (+) or left (−) this stage's queue: the link's backpressure counts them. */
  queued(deltaBytes: number): void;
}

/** setTimeout's longest delay (2^31 − 1 ms); longer sleeps are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One toxic on one direction of one connection: upstream's `ToxicStub`. It owns the toxic's
 * input queue, its per-connection state, its timers and its toxicity roll; the toxic's `pipe`
 * runs against it. Every wait resolves on `stop()` or `dispose()`, so no timer outlives it.
 */
export class Stage implements ToxicStub<unknown>, Sink {
  next: Sink;
  readonly state: unknown;
  private config: ToxicConfig;
  private readonly queue = new Fifo<Item>();
  private readonly host: StageHost;
  /** Whether the current run applies the toxic (rolled on start) or passes data through. */
  private applies = false;
  private interrupting = false;
  private closed = false;
  private disposed = false;
  private running: Promise<void> = Promise.resolve();
  private waiter: ((r: ReadResult | 'timeout') => void) | undefined;
  private waiterTimer: NodeJS.Timeout | undefined;
  private sleeper: ((slept: boolean) => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private sleepPoll: NodeJS.Immediate | undefined;

  constructor(config: ToxicConfig, next: Sink, host: StageHost) {
    this.config = config;
    this.next = next;
    this.host = host;
    this.state = config.kind.newState?.();
  }

  get name(): string {
    return this.config.name;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether the toxic itself (not a pass-through) is running on this connection. */
  get isApplied(): boolean {
    return this.applies;
  }

  get kind(): ToxicConfig['kind'] {
    return this.config.kind;
  }

  /** Starts the pipe with `config`, rolling toxicity afresh (toxic.go `Run`). */
  start(config: ToxicConfig = this.config): void {
    if (this.closed) return;
    this.config = config;
    this.applies = this.host.random() < config.toxicity;
    const run = this.applies ? config.kind.pipe(this, config.attributes) : passThrough(this);
    // A toxic that throws is a bug in geolab: end this direction instead of crashing the server.
    this.running = run.catch(() => this.close());
  }

  /** Interrupts the pipe and waits for it to return (upstream's `InterruptToxic`). */
  async stop(): Promise<void> {
    this.interrupting = true;
    this.wake('interrupted');
    await this.running;
    this.interrupting = false;
  }

  /** Hands every queued item to `next`, in order (after `stop`, when the toxic is removed). */
  flush(): void {
    for (const item of this.queue.drain()) {
      if (item !== 'end') this.host.queued(-item.data.length);
      this.next.push(item);
    }
  }

  /** Stops everything without passing anything on: the connection is gone. */
  dispose(): void {
    this.disposed = true;
    this.closed = true;
    this.dropQueue();
    this.wake('interrupted');
  }

  push(item: Item): void {
    if (this.closed) return;
    if (this.waiter !== undefined) {
      const deliver = this.waiter;
      this.clearWaiter();
      deliver(item);
      return;
    }
    if (item !== 'end') this.host.queued(item.data.length);
    this.queue.push(item);
  }

  read(): Promise<ReadResult> {
    // With no deadline there is no 'timeout' to return.
    return this.readWithin(Infinity) as Promise<ReadResult>;
  }

  readWithin(ms: number): Promise<ReadResult | 'timeout'> {
    if (this.interrupting || this.disposed) return Promise.resolve('interrupted');
    const item = this.queue.shift();
    if (item !== undefined) {
      if (item !== 'end') this.host.queued(-item.data.length);
      return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
      if (Number.isFinite(ms)) {
        this.waiterTimer = setTimeout(
          () => {
            this.clearWaiter();
            resolve('timeout');
          },
          Math.min(Math.max(ms, 0), MAX_TIMER_MS),
        );
      }
    });
  }

  sleep(ms: number): Promise<boolean> {
    if (this.interrupting || this.disposed) return Promise.resolve(false);
    if (!(ms > 0)) return Promise.resolve(true);
    const until = this.host.now() + ms;
    return new Promise((resolve) => {
      this.sleeper = resolve;
      const arm = (): void => {
        const left = until - this.host.now();
        if (left <= 0) {
          this.sleeper = undefined;
          this.sleepTimer = undefined;
          this.sleepPoll = undefined;
          resolve(true);
          return;
        }
        // Infinity never fires: only an interrupt ends that sleep.
        if (!Number.isFinite(left)) return;
        // Node's timers count whole milliseconds and fire up to one late, so a 2 ms latency
        // toxic took 3: sleep by timer to within a millisecond of the deadline, then poll the
        // event loop for the rest (measured here: a 4 ms RTT through two latency toxics read
        // 6.4–6.7 ms before this, 4.2 ms after).
        if (left > 1.5) this.sleepTimer = setTimeout(arm, Math.min(left - 1, MAX_TIMER_MS));
        else this.sleepPoll = setImmediate(arm);
      };
      arm();
    });
  }

  write(chunk: Chunk): void {
    if (this.closed) return;
    this.next.push(chunk);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropQueue();
    if (!this.disposed) this.next.push('end');
  }

  now(): number {
    return this.host.now();
  }

  random(): number {
    return this.host.random();
  }

  private dropQueue(): void {
    for (const item of this.queue.drain()) {
      if (item !== 'end') this.host.queued(-item.data.length);
    }
  }

  private clearWaiter(): void {
    this.waiter = undefined;
    if (this.waiterTimer !== undefined) clearTimeout(this.waiterTimer);
    this.waiterTimer = undefined;
  }

  private wake(result: 'interrupted'): void {
    const waiter = this.waiter;
    this.clearWaiter();
    waiter?.(result);
    const sleeper = this.sleeper;
    this.sleeper = undefined;
    if (this.sleepTimer !== undefined) clearTimeout(this.sleepTimer);
    if (this.sleepPoll !== undefined) clearImmediate(this.sleepPoll);
    this.sleepTimer = undefined;
    this.sleepPoll = undefined;
    sleeper?.(false);
  }
}
