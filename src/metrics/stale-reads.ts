/**
 * Stale reads as they happen, for `/metrics`: the definition of checker/staleness (a read is
 * stale when it returns a value that an acknowledged write had superseded before the read was
 * invoked, PBS's k ≥ 1), computed incrementally from a register history with unique values, as
 * src/workload generates them, event by event, in bounded memory.
 *
 * Why incremental works: a read is judged when it completes, and every write that can make it
 * stale completed before the read was invoked, so it has been seen. A value is superseded at
 * the completion of the first acknowledged write invoked after the value's own write completed
 * (later writes only complete later); a read of it is stale iff it was invoked after that.
 */
import { isRead, writtenValue, type CompletedOp } from '../checker/causal';
import { COLLECTION_FUNCTIONS } from '../checker/staleness/final-reads';
import { isClient, sameValue, type HistoryOp, type Value } from '../workload/history';

/** A client op with both its events, the fields the detector reads (checker/causal's shape). */
export type ClientOp = Pick<
  CompletedOp,
  'process' | 'region' | 'f' | 'keyId' | 'argument' | 'result' | 'type' | 'call' | 'ret'
> & {
  /** The completion's `error`, for fail and info. */
  readonly error?: Value;
};

/**
 * What the detector made of one completed op. `untraced`: a read of a value it does not know
 * (a write still in flight or unknown, or one forgotten to stay within `maxValues`): not stale,
 * as the checker judges a value no acknowledged write put in place. `skipped`: not a register
 * read it can judge (a write, a failed read, a key whose values repeat or that is a collection).
 */
export type ReadVerdict = 'stale' | 'fresh' | 'untraced' | 'skipped';

export interface StaleReadOptions {
  /** The register's value before any write; default null (checker/causal's default model). */
  readonly initial?: Value;
  /**
   * The most written values remembered, over all keys (default 100 000: a few MB). Past it the
   * oldest are forgotten, and a read returning one of those is `untraced`, so counted fresh.
   */
  readonly maxValues?: number;
}

export const DEFAULT_MAX_VALUES = 100_000;

/** One written value: when its write completed, and when a later write superseded it. */
interface Written {
  readonly writtenAt: number;
  supersededAt: number;
}

interface KeyState {
  /** When its first acknowledged write completed: the initial value is stale from then on. */
  firstWriteAt: number;
  /** Acknowledged writes not yet superseded, in completion order. */
  current: Written[];
  /** Why reads of this key are not judged (values repeat, or it is a list). */
  skip: boolean;
}

export class StaleReadDetector {
  private readonly initial: Value;
  private readonly maxValues: number;
  private readonly keys = new Map<string, KeyState>();
  /** By key and value id, oldest first (a Map iterates in insertion order). */
  private readonly values = new Map<string, Written>();
  /** Invocations awaiting their completion, by process (Jepsen pairs events per process). */
  private readonly inFlight = new Map<HistoryOp['process'], HistoryOp>();
  private counts = { reads: 0, stale: 0, untraced: 0, forgotten: 0 };

  constructor(options: StaleReadOptions = {}) {
    this.initial = options.initial ?? null;
    this.maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
    if (!(this.maxValues >= 1)) throw new RangeError('maxValues must be at least 1');
  }

  /** Reads judged, of which stale and untraced; values forgotten to stay within maxValues. */
  get stats(): {
    readonly reads: number;
    readonly stale: number;
    readonly untraced: number;
    readonly forgotten: number;
    readonly tracked: number;
  } {
    return { ...this.counts, tracked: this.values.size };
  }

  /**
   * Takes one history event (in history order). On a client op's completion, returns the op
   * with both events and the verdict on it; on an invocation or a non-client event, undefined.
   */
  observeEvent(event: HistoryOp): { op: ClientOp; verdict: ReadVerdict } | undefined {
    if (!isClient(event)) return undefined;
    if (event.type === 'invoke') {
      this.inFlight.set(event.process, event);
      return undefined;
    }
    const invoke = this.inFlight.get(event.process);
    if (invoke === undefined) return undefined;
    this.inFlight.delete(event.process);
    const op: ClientOp = {
      process: invoke.process,
      region: invoke.region ?? event.region,
      f: invoke.f,
      keyId: JSON.stringify(invoke.key ?? null),
      argument: invoke.value,
      result: event.type === 'info' ? undefined : event.value,
      type: event.type,
      call: invoke.time,
      ret: event.type === 'info' ? Infinity : event.time,
      ...(event.error === undefined ? {} : { error: event.error }),
    };
    return { op, verdict: this.observe(op) };
  }

  /** Takes one completed op, in completion order. */
  observe(op: ClientOp): ReadVerdict {
    const key = this.keyState(op.keyId);
    if (COLLECTION_FUNCTIONS.includes(op.f)) key.skip = true;
    if (isRead(op as CompletedOp)) return this.judgeRead(op, key);
    const value = writtenValue(op as CompletedOp);
    const unknown = op.type === 'info' && (op.f === 'write' || op.f === 'put');
    if (value !== undefined) this.written(op, key, value);
    else if (unknown) this.remember(op.keyId, op.argument, key, { writtenAt: Infinity });
    return 'skipped';
  }

  private judgeRead(op: ClientOp, key: KeyState): ReadVerdict {
    if (op.type !== 'ok' || op.result === undefined || key.skip) return 'skipped';
    this.counts.reads++;
    let stale: boolean;
    if (sameValue(op.result, this.initial)) {
      stale = key.firstWriteAt < op.call;
    } else {
      const written = this.values.get(valueId(op.keyId, op.result));
      if (written === undefined) {
        this.counts.untraced++;
        return 'untraced';
      }
      stale = written.writtenAt < op.call && written.supersededAt < op.call;
    }
    if (!stale) return 'fresh';
    this.counts.stale++;
    return 'stale';
  }

  private written(op: ClientOp, key: KeyState, value: Value): void {
    key.firstWriteAt = Math.min(key.firstWriteAt, op.ret);
    // `current` is in completion order: the values this write supersedes are a prefix.
    let superseded = 0;
    while (superseded < key.current.length && key.current[superseded].writtenAt < op.call) {
      key.current[superseded++].supersededAt = op.ret;
    }
    key.current.splice(0, superseded);
    const entry = this.remember(op.keyId, value, key, { writtenAt: op.ret });
    if (entry !== undefined) key.current.push(entry);
  }

  private remember(
    keyId: string,
    value: Value,
    key: KeyState,
    at: { writtenAt: number },
  ): Written | undefined {
    const id = valueId(keyId, value);
    // As checker/staleness: a value written twice, or the initial one, makes reads untraceable.
    if (this.values.has(id) || sameValue(value, this.initial)) {
      key.skip = true;
      return undefined;
    }
    const entry: Written = { writtenAt: at.writtenAt, supersededAt: Infinity };
    this.values.set(id, entry);
    if (this.values.size > this.maxValues) {
      const oldest = this.values.keys().next().value as string;
      this.values.delete(oldest);
      this.counts.forgotten++;
    }
    return entry;
  }

  private keyState(keyId: string): KeyState {
    let key = this.keys.get(keyId);
    if (key === undefined) {
      key = { firstWriteAt: Infinity, current: [], skip: false };
      this.keys.set(keyId, key);
    }
    return key;
  }
}

function valueId(keyId: string, value: Value): string {
  return `${keyId}\u0000${JSON.stringify(value)}`;
}
