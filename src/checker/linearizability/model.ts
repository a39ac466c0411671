import type { HistoryOp, Key } from '../../workload/history';

/**
 * A sequential specification, as in Porcupine (`model.go`): a record of pure functions. The
 * search knows nothing else about the data type; a new data type is a new model.
 *
 * States are immutable values and never `undefined`.
 */
export interface Model<State, Input, Output> {
  /** The name `geolab check --model` knows it by. */
  readonly name: string;
  init(): State;
  /**
   * The state after `input` took effect and returned `output`, or undefined when that cannot
   * happen in `state`. `output` is undefined when the outcome is unknown (Jepsen's `info`, or an
   * op still in flight when the history ended): then the step must always be possible, because
   * such an op may take effect at any point, or never.
   */
  step(state: State, input: Input, output: Output | undefined): State | undefined;
  equal(a: State, b: State): boolean;
  /** A 32-bit hash, equal for equal states: the memo cache's key (with the linearized set). */
  hash(state: State): number;
  /**
   * The model's view of one op of a history: `completion` is its `ok` or `fail` (undefined when
   * the outcome is unknown). Undefined drops the op: a `fail` took no effect, and an op that can
   * neither change the state nor be wrong (a read with no result) constrains nothing.
   * Throws an OperationError when the op makes no sense for this model.
   */
  operation(
    invoke: HistoryOp,
    completion: HistoryOp | undefined,
  ): ModelOp<Input, Output> | undefined;
  /** P-compositionality (Herlihy & Wing 1990, §3.3): ops on different parts are checked apart. */
  partition(invoke: HistoryOp): Key | undefined;
  /**
   * Optional: drop ops of one partition that no linearization needs, before the search (a
   * smaller search, the same verdict). The ops come in invocation order.
   */
  prune?(ops: readonly { readonly input: Input; readonly output: Output | undefined }[]): boolean[];
  describeOperation(input: Input, output: Output | undefined): string;
  describeState(state: State): string;
}

export interface ModelOp<Input, Output> {
  readonly input: Input;
  /** Undefined: outcome unknown. */
  readonly output: Output | undefined;
}

/** Any model, whatever its types (method parameters are bivariant, so every model fits). */
export type SomeModel = Model<unknown, unknown, unknown>;

/** An op of a history that a model cannot read; the checker adds the line it came from. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
}

/** Split per key: the partition of every keyed model here (Porcupine's kv model does the same). */
export function byKey(op: HistoryOp): Key | undefined {
  return op.key;
}
