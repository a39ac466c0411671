import type { NodeId } from '../../../core/ids';

/** How far a replica's log reaches: the epoch of its last entry, then that entry's index. */
export interface LogPosition {
  readonly node: NodeId;
  readonly lastEpoch: number;
  readonly lastIndex: number;
}

/**
 * Whether `a`'s log is more up to date than `b`'s: the later last epoch wins, then the longer
 * log, as Raft's election restriction compares them. Comparing lengths alone would let a
 * deposed primary's long stale suffix beat the shorter log of the epoch that replaced it.
 * Ties go to the lowest node id, so every replica that sees the same positions picks the same
 * successor without talking further.
 */
export function moreUpToDate(a: LogPosition, b: LogPosition): boolean {
  if (a.lastEpoch !== b.lastEpoch) return a.lastEpoch > b.lastEpoch;
  if (a.lastIndex !== b.lastIndex) return a.lastIndex > b.lastIndex;
  return a.node < b.node;
}

/** The most up-to-date of the positions, among the nodes that may become primary. */
export function successor(
  positions: Iterable<LogPosition>,
  eligible: (node: NodeId) => boolean,
): NodeId | undefined {
  let best: LogPosition | undefined;
  for (const p of positions) {
    if (eligible(p.node) && (best === undefined || moreUpToDate(p, best))) best = p;
  }
  return best?.node;
}
