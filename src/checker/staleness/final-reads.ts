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
}

/** Functions that add to a collection rather than overwrite it (Jepsen's set and list-append). */
export const COLLECTION_FUNCTIONS: readonly string[] = ['add', 'append'];

/**
 * Splits completed ops by key and finds each key's final reads, the Jepsen way: reads that began
 * once faults were over and no write of the key was still in flight.
 */
export function keyHistories(ops: readonly CompletedOp[], faultsEnd: number): KeyHistory[] {
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
    return { keyId, ops: list, quietFrom, finalReads };
  });
}
