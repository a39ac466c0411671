import type { ReplicaEvent } from '../../core/events';

/**
 * What the leadership checker reads: the replicas' own reports (`env.emit`), stamped with the
 * node and the time by the runtime (the simulator's `onEvent` option gives exactly this; a
 * live run's events carry the same fields). Times are the observer's, in ms, not the nodes'
 * own clocks, so that events of different nodes compare.
 *
 * The checker relies on three kinds, with these meanings (src/core/events.ts):
 * - `role` with `term`: from then on the node holds that role in that term (epoch);
 * - `leader` with `term`: from then on the node takes replication from that leader, whose
 *   term it is; a node that is itself primary reports itself;
 * - `commit` with `count` > 0: the node applied `count` updates, from whoever it follows.
 */
export interface TimedEvent {
  readonly node: string;
  readonly at: number;
  readonly event: ReplicaEvent;
}

/** A node stopped (crashed, was killed) at `at`: whatever role it held ends there. */
export interface NodeStop {
  readonly node: string;
  readonly at: number;
}

/** Records in time order, keeping the order of equal times (a stable sort). */
export function inTimeOrder<T extends { readonly at: number }>(records: readonly T[]): T[] {
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at - b.r.at || a.i - b.i)
    .map((x) => x.r);
}
