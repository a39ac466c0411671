import { asNodeId, type NodeId } from '../../../core/ids';
import type { Topology } from '../../../topology';

/** One replica of the cluster: every node knows the whole membership (ids and regions). */
export interface Member {
  readonly id: NodeId;
  readonly region: string;
}

/**
 * What the async (primary-backup) mode needs to know, resolved from the topology by
 * `fromTopology`. The optional fields have defaults (DEFAULTS) sized for a lab.
 */
export interface AsyncConfig {
  /** Every replica, in topology order: the order epochs are dealt in (epochs.ts). */
  readonly members: readonly Member[];
  /** The primary of the first epoch. */
  readonly initialPrimary: NodeId;
  /** Replicas that copy the log but never take over (the topology's learners). */
  readonly learners: readonly NodeId[];
  /** semi-sync: a write is acknowledged once one backup holds it too; async: at once. */
  readonly semiSync: boolean;
  /** Replicas refuse replication from an epoch older than one they have seen (fencing tokens). */
  readonly fencing: boolean;
  /** Where reads are served by default: by the primary, or by any replica from its copy. */
  readonly reads: 'leader' | 'follower';
  readonly heartbeatIntervalMs: number;
  /** A backup that hears no primary for this long starts a failover. */
  readonly failoverTimeoutMs: number;
  /** How long a failover collects its peers' positions before deciding (ms). */
  readonly failoverWindowMs?: number;
  /** semi-sync: how long a write waits for a backup before answering `info` (ms). */
  readonly semiSyncTimeoutMs?: number;
  /** How long a backup waits for the primary's answer to a forwarded request (ms). */
  readonly forwardTimeoutMs?: number;
  /** How many update outcomes each replica remembers for deduplication. */
  readonly rememberUpdates?: number;
  /** Log entries between snapshots, which bound the log. */
  readonly snapshotEvery?: number;
  /** Entries in one replication message. */
  readonly maxBatchEntries?: number;
  /** Entries sent to one backup and not yet acknowledged, past which only heartbeats go. */
  readonly maxInflightEntries?: number;
}

export const DEFAULTS = {
  /** MySQL's rpl_semi_sync_master_timeout default. */
  semiSyncTimeoutMs: 10_000,
  forwardTimeoutMs: 30_000,
  rememberUpdates: 100_000,
  snapshotEvery: 10_000,
  maxBatchEntries: 200,
  maxInflightEntries: 2_000,
} as const;

/** The config with every default applied. */
export type ResolvedAsyncConfig = Required<AsyncConfig>;

export function resolveConfig(config: AsyncConfig): ResolvedAsyncConfig {
  return {
    ...config,
    // Half the timeout: long enough for answers across the widest RTT (≈ 320 ms) at the
    // default 1 s, short enough that a failover ends well within two timeouts.
    failoverWindowMs: config.failoverWindowMs ?? config.failoverTimeoutMs / 2,
    semiSyncTimeoutMs: config.semiSyncTimeoutMs ?? DEFAULTS.semiSyncTimeoutMs,
    forwardTimeoutMs: config.forwardTimeoutMs ?? DEFAULTS.forwardTimeoutMs,
    rememberUpdates: config.rememberUpdates ?? DEFAULTS.rememberUpdates,
    snapshotEvery: config.snapshotEvery ?? DEFAULTS.snapshotEvery,
    maxBatchEntries: config.maxBatchEntries ?? DEFAULTS.maxBatchEntries,
    maxInflightEntries: config.maxInflightEntries ?? DEFAULTS.maxInflightEntries,
  };
}

/**
 * The config a `single-leader` topology with `protocol: async` or `semi-sync` describes.
 * The first primary is the first voting replica of `leaderRegion` when one is named, else
 * the first voting replica of the topology. Waits that end in an answer to a client
 * (forwarding, semi-sync) take the clients' timeout, so a replica answers about when the
 * client would give up.
 */
export function fromTopology(topology: Topology): AsyncConfig {
  const r = topology.replication;
  if (r.mode !== 'single-leader' || r.protocol === 'raft') {
    throw new RangeError(
      `${topology.file}: the async mode needs replication.mode single-leader with protocol async or semi-sync`,
    );
  }
  const members = topology.nodes.map((n) => ({ id: asNodeId(n.id), region: n.region }));
  const voters = members.filter((m) => !r.learners.includes(m.id));
  const initial =
    (r.leaderRegion === undefined ? undefined : voters.find((m) => m.region === r.leaderRegion)) ??
    voters[0];
  if (initial === undefined) throw new RangeError(`${topology.file}: no replica can be primary`);
  return {
    members,
    initialPrimary: initial.id,
    learners: r.learners.map(asNodeId),
    semiSync: r.protocol === 'semi-sync',
    fencing: r.fencing,
    // The loader refuses read-index and lease reads without raft.
    reads: r.reads === 'follower' ? 'follower' : 'leader',
    heartbeatIntervalMs: r.heartbeatIntervalMs,
    failoverTimeoutMs: r.failoverTimeoutMs,
    semiSyncTimeoutMs: topology.clientTimeoutMs,
    forwardTimeoutMs: topology.clientTimeoutMs,
  };
}
