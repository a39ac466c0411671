import { jsonEqual } from '../../core/json';

/**
 * One event of a client operation, as Jepsen records it (DESIGN §5, STYLE "history as data").
 *
 * An operation is an `invoke` followed, on the same process, by one completion:
 * - `ok`: it happened, and `value` is what it returned (a read's value, a write's argument);
 * - `fail`: it definitely took no effect. With `error: 'cas-mismatch'` a compare-and-set also
 *   tells what it saw: it ran, and the register did not hold the expected value (the reading
 *   Porcupine gives `:fail :cas` in its etcd logs). Without that error the op is simply dropped,
 *   as Knossos does;
 * - `info`: unknown, it may or may not have taken effect, at any time after its invocation.
 *
 * An invocation that is never completed (the history ends first) counts as `info`.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/** A JSON value: what `value` and `error` may hold. */
export type Value = null | boolean | number | string | readonly Value[] | ValueObject;
export interface ValueObject {
  readonly [field: string]: Value;
}

/**
 * Who performed an op: a client process (an integer, as in Jepsen; a process that ends with
 * `info` is never reused by Jepsen's clients) or a named actor such as `"nemesis"`, whose
 * events the checkers ignore.
 */
export type ProcessId = number | string;

export type Key = string | number;

export interface HistoryOp {
  readonly process: ProcessId;
  readonly type: OpType;
  /** The function: read, write, cas, get, put, append, … */
  readonly f: string;
  /** For multi-key workloads: the key the op touches (P-compositionality splits on it). */
  readonly key?: Key;
  /** cas takes `[expected, new]`; an ok read carries the value read; null when none. */
  readonly value: Value;
  /** Milliseconds; a history lists its events in non-decreasing time. */
  readonly time: number;
  readonly region?: string;
  /** Position in the whole history, when the producer numbers its events (Jepsen's `:index`). */
  readonly index?: number;
  /** Why an op failed or is unknown (`timed-out`, `cas-mismatch`, …), as Jepsen's `:error`. */
  readonly error?: Value;
}

/** The fields of a record, in the order they are written. */
export const OP_FIELDS = [
  'process',
  'type',
  'f',
  'key',
  'value',
  'time',
  'region',
  'index',
  'error',
] as const;

/** A cas whose comparison ran and failed: state unchanged, but the op observed it. */
export const CAS_MISMATCH = 'cas-mismatch';

/** Client processes are numbered; anything else (Jepsen's `:nemesis`) is not a client. */
export function isClient(op: HistoryOp): boolean {
  return typeof op.process === 'number';
}

/** Deep equality of two values (for comparing reads with writes, and in tests). */
export function sameValue(a: Value, b: Value): boolean {
  // A history value is JSON: core's structural equality is the one definition of "same".
  return jsonEqual(a, b);
}

/** A short rendering of a value for messages and witnesses. */
export function showValue(v: Value | undefined): string {
  return v === undefined ? '?' : JSON.stringify(v);
}
