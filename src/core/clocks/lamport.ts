/**
 * Lamport clocks (Lamport, "Time, Clocks, and the Ordering of Events in a Distributed
 * System", CACM 1978), as pure functions over numbers: the caller holds the counter.
 *
 * IR1: a process increments its clock between any two events (tick before a local event or a
 * send). IR2: on receipt of a message stamped `remote`, the clock becomes greater than both
 * its own value and `remote`. Then a → b implies C(a) < C(b); ties between processes are
 * broken by node id to get the total order Lamport uses for mutual exclusion (and DDIA
 * ch. 9 uses for total order broadcast).
 */
import type { NodeId } from '../ids';

export type LamportTime = number;

/** A Lamport timestamp made unique by the node that issued it. */
export interface LamportStamp {
  readonly time: LamportTime;
  readonly node: NodeId;
}

/** The clock after a local event or a send; the result stamps that event. */
export function tick(clock: LamportTime): LamportTime {
  return clock + 1;
}

/** The clock after receiving a message stamped `remote`; the result stamps the receipt. */
export function receive(clock: LamportTime, remote: LamportTime): LamportTime {
  return Math.max(clock, remote) + 1;
}

/** The total order: by time, then by node id (code-unit order, the same on every node). */
export function compareStamps(a: LamportStamp, b: LamportStamp): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

export function isLamportTime(value: unknown): value is LamportTime {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
