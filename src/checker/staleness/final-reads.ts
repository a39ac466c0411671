import { sameValue, type Value } from '../../workload/history';
import type { CompletedOp } from '../causal';
import { isRead, writtenValue } from '../causal';

/** The ops of one key, and when it became quiet: after the last fault and the last write. */
export interface KeyHistory {
  readonly keyId: string;
  readonly ops: CompletedOp[];
  /** Max of the last fault's time and every write's completion (invocation, if unknown). */
  readonly quietFrom: number;
  /** Successful reads invoked at or after `quietFrom`, in invocation order. */
  readonly finalReads: CompletedOp[];
  /**
   * Why a key's reads cannot be traced to its writes: a register value written twice, or the
   * initial value written, or appends mixed with overwrites. Undefined when they can.
   */
  readonly untraceable?: string;
}

/** Functions that add to a collection rather than overwrite it (Jepsen's set and list-append). */
export const COLLECTION_FUNCTIONS: readonly string[] = ['add', 'append'];

/** Functions that replace a register's value. */
export const OVERWRITE_FUNCTIONS: readonly string[] = ['write', 'put', 'cas'];

/**
 * Splits completed ops by key and finds each key's final reads, the Jepsen way: reads that began
 * once faults were over and no write of the key was still in flight.
 */
export function keyHistories(
  ops: readonly CompletedOp[],
  faultsEnd: number,
  initial: Value,
  lines: readonly number[] | undefined,
): KeyHistory[] {
  const byKey = new Map<string, CompletedOp[]>();
  for (const op of ops) {
    const list = byKey.get(op.keyId);
    if (list === undefined) byKey.set(op.keyId, [op]);
    else list.push(op);
  }
  return [...byKey].map(([keyId, list]) => {
    let quietFrom = faultsEnd;
    for (const op of list) {
      if (isRead(op) || op.type === 'fail') continue;
      const writes =
        writtenValue(op) !== undefined || COLLECTION_FUNCTIONS.includes(op.f) || op.type === 'info';
      if (writes) quietFrom = Math.max(quietFrom, op.ret === Infinity ? op.call : op.ret);
    }
    const finalReads = list
      .filter((op) => isRead(op) && op.type === 'ok' && op.call >= quietFrom)
      .sort((a, b) => a.call - b.call || a.invoke - b.invoke);
    const untraceable = repeatedValue(list, initial, lines);
    return { keyId, ops: list, quietFrom, finalReads, ...(untraceable ? { untraceable } : {}) };
  });
}

function repeatedValue(
  ops: readonly CompletedOp[],
  initial: Value,
  lines: readonly number[] | undefined,
): string | undefined {
  const collection = ops.find((op) => COLLECTION_FUNCTIONS.includes(op.f));
  const overwrite = ops.find((op) => OVERWRITE_FUNCTIONS.includes(op.f));
  if (collection !== undefined) {
    if (overwrite === undefined) return undefined;
    const line = lines?.[overwrite.invoke] ?? overwrite.invoke + 1;
    return `${overwrite.f} on line ${line} overwrites what ${collection.f} adds to`;
  }
  const seen = new Set<string>();
  for (const op of ops) {
    const unknown = op.type === 'info' && (op.f === 'write' || op.f === 'put');
    const value = writtenValue(op) ?? (unknown ? op.argument : undefined);
    if (value === undefined) continue;
    const id = JSON.stringify(value);
    if (seen.has(id) || sameValue(value, initial)) {
      const line = lines?.[op.invoke] ?? op.invoke + 1;
      return `${id} is written twice or is the initial value (line ${line})`;
    }
    seen.add(id);
  }
  return undefined;
}
