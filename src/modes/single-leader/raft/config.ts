import { asNodeId, type NodeId } from '../../../core/ids';
import type { Topology } from '../../../topology';

/**
 * What a Raft replica knows of its cluster and how it behaves: the membership (fixed for a
 * run: geolab does not change configurations mid-run), its timing, and its read path.
 */
export interface RaftConfig {
  /** Replicas that vote and count toward every majority, in topology order. */
  readonly voters: readonly NodeId[];
  /** Replicas that receive the log and serve stale reads, but never vote or campaign. */
  readonly learners: readonly NodeId[];
  /** Each replica's region: for leader placement and for plain-words events. */
  readonly regionOf: ReadonlyMap<NodeId, string>;
  /**
   * The base election timeout: a follower that hears from no leader for a randomized
   * [electionTimeoutMs, 2·electionTimeoutMs) starts an election (Raft §5.2).
   */
  readonly electionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** Pre-vote (thesis §9.6): a partitioned replica that rejoins cannot disrupt a leader. */
  readonly preVote: boolean;
  /** Check-quorum: a leader that hears from no majority for an election timeout steps down. */
  readonly checkQuorum: boolean;
  /** How a read with no explicit level is served (see `readLevel` in raft.ts). */
  readonly reads: 'read-index' | 'lease' | 'leader' | 'follower';
  /**
   * How long after a majority acknowledged a heartbeat round the leader may serve reads
   * without asking again. Safe only while it is shorter than the time a follower refuses to
   * vote after hearing from the leader (the election timeout) less the clocks' drift over it.
   */
  readonly leaseDurationMs: number;
  /** Leadership is transferred to a caught-up voter of this region whenever possible. */
  readonly leaderRegion?: string;
  /** Applied entries between snapshots, which bound the log. */
  readonly snapshotEvery: number;
  /**
   * A snapshot is sent in parts of about this many bytes of JSON each, so that a state
   * machine of any size crosses links whose frames are bounded (1 MiB live).
   */
  readonly snapshotPartBytes: number;
  /** How many update outcomes are remembered to deduplicate retried requests. */
  readonly rememberUpdates: number;
  /** Entries per append message at most. */
  readonly maxEntriesPerAppend: number;
  /** Append messages in flight to one follower at most before waiting for acknowledgements. */
  readonly maxInflightAppends: number;
  /** How long a follower waits for the leader's answer to a forwarded request. */
  readonly forwardTimeoutMs: number;
  /**
   * Safety rules that can be switched off, to show that the soak test would notice
   * (bench/raft-soak.ts, test/modes/single-leader/raft/soak.test.ts). Never set by a topology.
   */
  readonly unsafe?: {
    /** Keep the vote in memory only: a restarted replica can vote twice in one term. */
    readonly volatileVote?: boolean;
    /** Grant votes without Raft's log up-to-date check (§5.4.1). */
    readonly skipLogCheck?: boolean;
  };
}

export const RAFT_DEFAULTS = {
  snapshotEvery: 10_000,
  // A quarter of the live runtime's 1 MiB frame limit: JSON counts characters, and even
  // three bytes for each leaves room for the envelope. Before parts, a state machine over
  // 1 MiB (a 30-minute soak writes tens of thousands of keys) could never reach a follower
  // that needed a snapshot: its frame was refused and the link redialled, forever.
  snapshotPartBytes: 256 * 1024,
  rememberUpdates: 4096,
  maxEntriesPerAppend: 64,
  maxInflightAppends: 256,
  forwardTimeoutMs: 10_000,
} as const;

/** The Raft configuration a single-leader topology with `protocol: raft` describes. */
export function raftConfigOf(topology: Topology): RaftConfig {
  const r = topology.replication;
  if (r.mode !== 'single-leader') throw new RangeError(`not a single-leader topology: ${r.mode}`);
  const learners = new Set(r.learners);
  const ids = topology.nodes.map((n) => asNodeId(n.id));
  return {
    voters: ids.filter((id) => !learners.has(id)),
    learners: ids.filter((id) => learners.has(id)),
    regionOf: new Map(topology.nodes.map((n) => [asNodeId(n.id), n.region])),
    electionTimeoutMs: r.electionTimeoutMs,
    heartbeatIntervalMs: r.heartbeatIntervalMs,
    preVote: r.preVote,
    checkQuorum: r.checkQuorum,
    reads: r.reads,
    leaseDurationMs: r.leaseDurationMs,
    ...(r.leaderRegion === undefined ? {} : { leaderRegion: r.leaderRegion }),
    ...RAFT_DEFAULTS,
  };
}
