import {
  forEachOperation,
  showValue,
  type HistoryOp,
  type Key,
  type ProcessId,
  type Value,
} from '../../workload/history';
import type { OpRef } from './witness';

/** A client op with both its events: what it was asked (`argument`) and what it returned. */
export interface CompletedOp {
  readonly process: ProcessId;
  readonly region: string | undefined;
  readonly f: string;
  readonly key: Key | undefined;
  readonly keyId: string;
  readonly argument: Value;
  /** The completion's value; undefined when the outcome is unknown. */
  readonly result: Value | undefined;
  readonly type: 'ok' | 'fail' | 'info';
  readonly call: number;
  /** +Infinity when the outcome is unknown (`info`, or never completed). */
  readonly ret: number;
  readonly invoke: number;
  readonly completion: number;
}

/** Pairs invocations with completions, in completion order (ops never completed last). */
export function completedOps(history: readonly HistoryOp[]): CompletedOp[] {
  const out: CompletedOp[] = [];
  const add = (invokeAt: number, completeAt: number): void => {
    const invoke = history[invokeAt];
    const completion = completeAt < 0 ? undefined : history[completeAt];
    const type = completion === undefined ? 'info' : (completion.type as CompletedOp['type']);
    out.push({
      process: invoke.process,
      region: invoke.region ?? completion?.region,
      f: invoke.f,
      key: invoke.key,
      keyId: JSON.stringify(invoke.key ?? null),
      argument: invoke.value,
      result: type === 'info' ? undefined : completion?.value,
      type,
      call: invoke.time,
      ret: type === 'info' || completion === undefined ? Infinity : completion.time,
      invoke: invokeAt,
      completion: completeAt,
    });
  };
  forEachOperation(history, add);
  return out;
}

export function isRead(op: CompletedOp): boolean {
  return op.f === 'read' || op.f === 'get';
}

/** The value an acknowledged op put in place: a write's, a put's, a swapped cas's new value. */
export function writtenValue(op: CompletedOp): Value | undefined {
  if (op.type !== 'ok') return undefined;
  if (op.f === 'write' || op.f === 'put') return op.argument;
  if (op.f === 'cas' && Array.isArray(op.argument) && op.argument.length === 2) {
    return op.argument[1] as Value;
  }
  return undefined;
}

export function opRef(op: CompletedOp, lines: readonly number[] | undefined): OpRef {
  const line = (at: number): number => lines?.[at] ?? at + 1;
  const key = op.key === undefined ? '' : showValue(op.key);
  const shown = isRead(op)
    ? `${op.f}(${key}) → ${op.result === undefined ? '?' : showValue(op.result)}`
    : `${op.f}(${key === '' ? '' : `${key}, `}${showValue(op.argument)})${op.type === 'ok' ? '' : ` → ${op.type}`}`;
  return {
    process: op.process,
    session: String(op.process),
    op: shown,
    index: op.invoke,
    invokeLine: line(op.invoke),
    completeLine: op.completion < 0 ? null : line(op.completion),
    invokedAt: op.call,
    completedAt: op.ret === Infinity ? null : op.ret,
  };
}
