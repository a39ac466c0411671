/**
 * What a toxic is, in the shape of Shopify/toxiproxy's `toxics/toxic.go`: a toxic type holds only
 * its configuration and a `pipe` loop; everything that belongs to one connection (its queue, its
 * timers, its random draws, its state) lives in the `ToxicStub` the server hands to `pipe`, so
 * one configuration serves every connection (STYLE.md, "one toxic, one file").
 */

/** A piece of one direction's byte stream, as read from a socket. */
export interface Chunk {
  readonly data: Buffer;
  /**
   * When the chunk reached this toxic, in ms on `performance.now()`'s clock. Latency measures
   * its delay from here and moves it forward by that delay, so that stacked latency toxics add
   * up (toxiproxy PR #47 and PR #94).
   */
  readonly timestamp: number;
}

/** What a read returns: a chunk, the end of the stream, or an order to stop (update/removal). */
export type ReadResult = Chunk | 'end' | 'interrupted';

/**
 * One toxic's view of one direction of one connection (upstream's `ToxicStub`). Every wait is
 * interruptible: when the toxic is updated or removed, or the connection closes, `read` returns
 * 'interrupted' and `sleep` returns false, and `pipe` must return promptly, writing any chunk it
 * holds so that no data is dropped on the floor (toxic.go, every Pipe's interrupt branch).
 */
export interface ToxicStub<S = undefined> {
  /** The next input chunk, 'end' once the input has ended, or 'interrupted'. */
  read(): Promise<ReadResult>;
  /** Like `read`, but 'timeout' if nothing arrives within `ms`. */
  readWithin(ms: number): Promise<ReadResult | 'timeout'>;
  /** Waits `ms` (Infinity: until interrupted); true if the time passed, false if interrupted. */
  sleep(ms: number): Promise<boolean>;
  /** Passes a chunk on to the next toxic (or to the destination socket). */
  write(chunk: Chunk): void;
  /** Ends this direction now (upstream's `stub.Close()`): input still queued here is dropped. */
  close(): void;
  /** The monotonic clock, in ms, that chunk timestamps use. */
  now(): number;
  /** Uniform in [0, 1): the server's random source (seedable for tests and the simulator). */
  random(): number;
  /** Per-connection state (upstream's `StatefulToxic.NewState`); kept across updates. */
  readonly state: S;
}

/** A toxic's attributes: integers as JSON numbers, every key present (defaults are zeros). */
export type Attributes = Record<string, number>;

/**
 * A toxic type: the registry holds one per `type`. The optional members are upstream's small
 * extra interfaces (`StatefulToxic`, `CleanupToxic`) rather than a fat base class.
 */
export interface ToxicKind<A extends Attributes = Attributes, S = unknown> {
  /** The API's `type` string. */
  readonly type: string;
  /** Every attribute with its zero default, in upstream's JSON key order. */
  readonly defaults: Readonly<A>;
  /**
   * Upstream's Go type names, used only to word decoding errors as upstream does
   * (`json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency ...`).
   */
  readonly go: { readonly struct: string; readonly int: 'int64' | 'int' };
  /** A fresh per-connection state (upstream's `StatefulToxic`). */
  newState?(): S;
  /** Removing the toxic closes every connection it was active on (upstream's `CleanupToxic`). */
  readonly closesOnRemoval?: boolean;
  /**
   * Connections accepted while a toxic of this type exists close with a TCP RST instead of a
   * FIN, in both directions (link.go's `SetLinger(0)` for `ResetToxic`, toxiproxy issue #603).
   */
  readonly resetsNewConnections?: boolean;
  /** Moves data from the stub's input to its output until the input ends or an interrupt. */
  pipe(stub: ToxicStub<S>, attributes: Readonly<A>): Promise<void>;
}
