import {
  HistoryError,
  forEachOperation,
  type HistoryOp,
  type Key,
  type ProcessId,
} from '../../workload/history';
import { OperationError, type Model } from './model';

/** One op as the search sees it: the model's input and output, and its real-time interval. */
export interface Operation<Input, Output> {
  readonly input: Input;
  /** Undefined when the outcome is unknown. */
  readonly output: Output | undefined;
  readonly process: ProcessId;
  /** When it was invoked and when it completed; +Infinity when it may take effect any time. */
  readonly call: number;
  readonly ret: number;
  /** Positions of its events in the history (`completion` is -1 when there is none). */
  readonly invoke: number;
  readonly completion: number;
}

export interface Partition<Input, Output> {
  readonly key: Key | undefined;
  /** In invocation order. */
  readonly ops: Operation<Input, Output>[];
}

/**
 * Pairs each client invocation with its completion and lets the model read them, split by the
 * model's partition (in order of first appearance). Following Knossos and Porcupine, an `info`
 * op, or one the history never completes, may take effect at any point after its invocation,
 * or never: its return time is +Infinity and its outcome unknown.
 */
export function collectOperations<S, I, O>(
  history: readonly HistoryOp[],
  model: Model<S, I, O>,
  lines?: readonly number[],
): Partition<I, O>[] {
  const partitions = new Map<Key | undefined, Operation<I, O>[]>();
  const add = (invokeAt: number, completeAt: number): void => {
    const invoke = history[invokeAt];
    const completion = completeAt < 0 ? undefined : history[completeAt];
    const known = completion !== undefined && completion.type !== 'info';
    let read;
    try {
      read = model.operation(invoke, known ? completion : undefined);
    } catch (e) {
      if (!(e instanceof OperationError)) throw e;
      throw new HistoryError(lines?.[invokeAt] ?? invokeAt + 1, e.message);
    }
    if (read === undefined) return;
    const key = model.partition(invoke);
    let ops = partitions.get(key);
    if (ops === undefined) partitions.set(key, (ops = []));
    ops.push({
      input: read.input,
      output: known ? read.output : undefined,
      process: invoke.process,
      call: invoke.time,
      ret: known ? completion.time : Infinity,
      invoke: invokeAt,
      completion: completeAt,
    });
  };
  forEachOperation(history, add);
  // Numbered in invocation order, so that the linearized set is mostly a run of leading ones.
  const byCall = (x: Operation<I, O>, y: Operation<I, O>): number =>
    x.call - y.call || x.invoke - y.invoke;
  return [...partitions].map(([key, ops]) => {
    ops.sort(byCall);
    const keep = model.prune?.(ops);
    return { key, ops: keep === undefined ? ops : ops.filter((_, i) => keep[i]) };
  });
}
