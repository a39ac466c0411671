/**
 * What a leaderless replica knows of its cluster and how it behaves. The modes' registry
 * (src/runtime/modes.ts, through src/runtime/leaderless-config.ts) builds it from a topology;
 * tests and the PBS harness build it directly, which is why a few knobs exist here that no
 * topology sets (`readTargets`, coordinator-only members, switching failure detection off).
 */
import type { ConsistencyLevel, ReplicationFactor } from '../../core/consistency';
import type { NodeId } from '../../core/ids';

export interface Member {
  readonly id: NodeId;
  readonly region: string;
  /**
   * Whether it owns token ranges and so stores keys; false makes a coordinator-only node, as
   * Cassandra's `join_ring: false`: PBS's WARS model needs a coordinator that is no replica.
   */
  readonly ring: boolean;
}

/** A consistency level, or Dynamo's explicit R or W. */
export type LevelSpec = ConsistencyLevel | { readonly count: number };

export interface LeaderlessConfig {
  /** Every node of the cluster, in topology order (hint files name targets by position). */
  readonly members: readonly Member[];
  readonly replicationFactor: ReplicationFactor;
  /** Levels for requests that name none. */
  readonly read: LevelSpec;
  readonly write: LevelSpec;
  readonly conflicts: 'lww' | 'siblings';
  readonly timestamps: 'hlc' | 'wall';
  /** Blocking: a read answers only once the replicas it read hold what it returns. */
  readonly readRepair: 'blocking' | 'async' | 'off';
  readonly hintedHandoff: boolean;
  /** No new hints for a replica down longer than this (Cassandra's max_hint_window). */
  readonly hintWindowMs: number;
  /** Merkle-tree exchange with one peer per interval; 0 turns anti-entropy off. */
  readonly antiEntropyIntervalMs: number;
  /** Dynamo's sloppy quorum: stand-ins for unreachable replicas count toward the level. */
  readonly sloppyQuorum: boolean;
  /** Ask one more replica when a read has not completed by then (Cassandra's rapid read protection). */
  readonly speculativeRetryMs?: number;
  /** Linearizable compare-and-set (and SERIAL reads) by a Paxos round per operation. */
  readonly serial: boolean;
  readonly virtualNodes: number;
  /** Round-trip estimate between regions, `from>to` → ms: the snitch that ranks replicas by closeness. */
  readonly regionRttMs: ReadonlyMap<string, number>;
  /**
   * Whom a read asks: the closest replicas the level needs (Cassandra), or every replica,
   * answering after the first the level needs (Dynamo, Voldemort, and PBS's WARS model).
   */
  readonly readTargets: 'closest' | 'all';
  /** How long a coordinator waits for a level's acknowledgements (Cassandra: 2 s writes, 5 s reads). */
  readonly writeTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** The whole of a Paxos operation, retries on contention included. */
  readonly casTimeoutMs: number;
  /** Heartbeats to every peer; 0 turns failure detection off (every peer is presumed up). */
  readonly heartbeatIntervalMs: number;
  /** A peer silent for this long is down: requests stop going to it and hints are kept for it. */
  readonly failureTimeoutMs: number;
  /** How often hints are offered to replicas that are back. */
  readonly hintReplayIntervalMs: number;
  /** Depth of the Merkle trees: 2^depth leaves over the token space. */
  readonly merkleDepth: number;
  /** Sibling contexts remembered per client and key (the session a blind client lacks). */
  readonly sessionContexts: number;
}

/** Knobs a topology does not set, sized for a lab. */
export const LEADERLESS_DEFAULTS = {
  readTargets: 'closest',
  heartbeatIntervalMs: 200,
  failureTimeoutMs: 1000,
  hintReplayIntervalMs: 1000,
  merkleDepth: 6,
  sessionContexts: 10_000,
} as const;

/** The rtt between two regions by the snitch, Infinity when unknown. */
export function regionRtt(config: LeaderlessConfig, from: string, to: string): number {
  if (from === to) return config.regionRttMs.get(`${from}>${to}`) ?? 0;
  return config.regionRttMs.get(`${from}>${to}`) ?? Infinity;
}
