import { inTimeOrder, type TimedEvent } from './events';
import { LEADING_ROLES } from './primaries';

/**
 * Writes of a stale epoch that a replica applied after it had already accepted a newer one:
 * what fencing tokens exist to prevent. `node` applied `writes` updates from `leader`
 * (epoch `epoch`) between `from` and `to`, after it had accepted epoch `newer.epoch` from
 * `newer.leader` at `newer.at`.
 */
export interface StaleWritesLanded {
  readonly node: string;
  readonly leader: string;
  readonly epoch: number;
  readonly newer: { readonly leader: string; readonly epoch: number; readonly at: number };
  readonly writes: number;
  readonly from: number;
  readonly to: number;
}

interface Accepted {
  readonly leader: string;
  readonly epoch: number;
  readonly at: number;
}

/**
 * For each node, the newest epoch it has accepted (its `leader` events with a term, and its
 * own terms as primary), and the leader it follows now; a `commit` while following an older
 * epoch than the newest accepted is a stale write that landed. Runs of such commits from one
 * leader are reported as one.
 */
export function staleWritesLanded(events: readonly TimedEvent[]): StaleWritesLanded[] {
  const newest = new Map<string, Accepted>();
  const current = new Map<string, Accepted>();
  const out: StaleWritesLanded[] = [];
  /** Each node's latest run in `out`, which a commit from the same leader extends. */
  const lastRun = new Map<string, number>();
  const accept = (node: string, a: Accepted) => {
    current.set(node, a);
    const n = newest.get(node);
    if (n === undefined || a.epoch > n.epoch) newest.set(node, a);
  };
  for (const { node, at, event } of inTimeOrder(events)) {
    if (event.kind === 'leader') {
      if (event.leader === null || event.term === undefined) current.delete(node);
      else accept(node, { leader: event.leader, epoch: event.term, at });
      continue;
    }
    if (event.kind === 'role' && LEADING_ROLES.has(event.role)) {
      if (event.term !== undefined) accept(node, { leader: node, epoch: event.term, at });
      continue;
    }
    if (event.kind !== 'commit' || event.count <= 0) continue;
    const from = current.get(node);
    const n = newest.get(node);
    if (from === undefined || n === undefined || from.epoch >= n.epoch) continue;
    const run = lastRun.get(node);
    const last = run === undefined ? undefined : out[run];
    if (
      run !== undefined &&
      last !== undefined &&
      last.leader === from.leader &&
      last.epoch === from.epoch &&
      last.newer.epoch === n.epoch
    ) {
      out[run] = { ...last, writes: last.writes + event.count, to: at };
      continue;
    }
    lastRun.set(node, out.length);
    out.push({
      node,
      leader: from.leader,
      epoch: from.epoch,
      newer: n,
      writes: event.count,
      from: at,
      to: at,
    });
  }
  return out;
}
