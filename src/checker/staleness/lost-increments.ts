import type { HistoryOp } from '../../workload/history';
import { completedOps, isRead, type CompletedOp } from '../causal';
import { lastFault } from './faults';

/**
 * Increments a counter lost, from the history alone: per key, the sum of acknowledged
 * increments against the value the counter finally shows. A counter that merges concurrent
 * increments (a CRDT counter) ends at the sum; a read-modify-write register (LWW) ends lower
 * when two regions incremented concurrently, by exactly the increments it dropped.
 *
 * Increments whose outcome is unknown (`info`) may or may not count, so the final value may
 * lie anywhere in [acknowledged, acknowledged + unknown] without a loss; below it, the
 * difference is lost; above, something counted that nobody asked for. The final value is the
 * last ok read invoked after the key's last increment completed and after the last fault.
 */
export interface CounterAccount {
  readonly key: string;
  /** Sum of acknowledged (ok) increments. */
  readonly acknowledged: number;
  /** Sum of increments with unknown outcome. */
  readonly unknown: number;
  /** The counter's final value; null when no read followed the last increment. */
  readonly final: number | null;
  /** max(0, acknowledged − final): acknowledged increments that are gone. */
  readonly lost: number;
  /** max(0, final − acknowledged − unknown): more than was ever added. */
  readonly excess: number;
}

export interface LostIncrementsResult {
  readonly verdict: 'ok' | 'lost' | 'unknown';
  readonly lost: number;
  readonly acknowledged: number;
  readonly keys: readonly CounterAccount[];
}

export function findLostIncrements(history: readonly HistoryOp[]): LostIncrementsResult {
  const faultEnd = lastFault(history, undefined)?.time ?? 0;
  const byKey = new Map<string, CompletedOp[]>();
  for (const op of completedOps(history)) {
    if (op.key === undefined || (op.f !== 'increment' && !isRead(op))) continue;
    const key = typeof op.key === 'string' ? op.key : JSON.stringify(op.key);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [op]);
    else list.push(op);
  }
  const keys: CounterAccount[] = [];
  for (const [key, ops] of byKey) {
    const increments = ops.filter((op) => op.f === 'increment' && op.type !== 'fail');
    if (increments.length === 0) continue;
    let acknowledged = 0;
    let unknown = 0;
    let quietFrom = faultEnd;
    for (const op of increments) {
      const by = typeof op.argument === 'number' ? op.argument : 0;
      if (op.type === 'ok') acknowledged += by;
      else unknown += by;
      quietFrom = Math.max(quietFrom, op.ret === Infinity ? op.call : op.ret);
    }
    const finals = ops
      .filter((op) => isRead(op) && op.type === 'ok' && op.call >= quietFrom)
      .sort((a, b) => a.call - b.call);
    const last = finals[finals.length - 1];
    const final = last === undefined ? null : typeof last.result === 'number' ? last.result : 0;
    keys.push({
      key,
      acknowledged,
      unknown,
      final,
      lost: final === null ? 0 : Math.max(0, acknowledged - final),
      excess: final === null ? 0 : Math.max(0, final - acknowledged - unknown),
    });
  }
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lost = keys.reduce((sum, k) => sum + k.lost, 0);
  return {
    verdict: lost > 0 ? 'lost' : keys.some((k) => k.final === null) ? 'unknown' : 'ok',
    lost,
    acknowledged: keys.reduce((sum, k) => sum + k.acknowledged, 0),
    keys,
  };
}
