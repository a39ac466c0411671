/**
 * Majority arithmetic, alone and exhaustively tested, as etcd-io/raft keeps it in `quorum/`
 * (MajorityConfig.CommittedIndex and VoteResult). Raft commits, elections, check-quorum and
 * ReadIndex, and the leaderless QUORUM levels all reduce to these few functions.
 */
import type { NodeId } from './ids';

/** Votes or acknowledgements needed out of `n` voters: ⌊n/2⌋ + 1. */
export function majority(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`voter count must be ≥ 0, got ${n}`);
  return Math.floor(n / 2) + 1;
}

/**
 * The largest index that a majority of `voters` has acknowledged: the ⌈n/2⌉-th largest
 * acknowledged index counting from the top, where a voter missing from `acked` counts as 0.
 *
 * An empty configuration returns +Infinity, as etcd returns MaxUint64: it places no
 * constraint, so that min() over the halves of a joint configuration works when one half is
 * empty (Ongaro's thesis §4.3).
 */
export function committedIndex(
  voters: readonly NodeId[],
  acked: (voter: NodeId) => number | undefined,
): number {
  if (voters.length === 0) return Number.POSITIVE_INFINITY;
  const indexes = voters.map((v) => acked(v) ?? 0).sort((a, b) => b - a);
  return indexes[majority(voters.length) - 1];
}

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The outcome of an election (or any yes/no poll) so far: won once a majority said yes, lost
 * once a majority can no longer be reached, pending otherwise. A voter missing from `votes`
 * has not answered. An empty configuration wins, for the same reason as committedIndex.
 */
export function voteResult(
  voters: readonly NodeId[],
  votes: (voter: NodeId) => boolean | undefined,
): VoteResult {
  if (voters.length === 0) return 'won';
  let yes = 0;
  let missing = 0;
  for (const v of voters) {
    const vote = votes(v);
    if (vote === undefined) missing++;
    else if (vote) yes++;
  }
  const need = majority(voters.length);
  if (yes >= need) return 'won';
  if (yes + missing >= need) return 'pending';
  return 'lost';
}

/** Whether `count` distinct acknowledgements out of `n` form a majority. */
export function hasMajority(count: number, n: number): boolean {
  return count >= majority(n);
}
