import { asNodeId, type NodeId } from '../../core/ids';
import type { Topology } from '../../topology';
import type { ResolverName } from './resolvers';

/**
 * What a multi-leader replica knows of its cluster and how it behaves. The leader of a region
 * is its first replica in topology order: fixed for the run (no failover inside a region: if a
 * leader is down, its region's followers cannot write until it returns; see the docs).
 */
export interface MultiLeaderConfig {
  readonly resolver: ResolverName;
  /** Hold each update until everything it causally depends on is applied. */
  readonly causal: boolean;
  /** How often a leader seals its local updates into a batch and ships batches. */
  readonly batchIntervalMs: number;
  /** How often replicas compare version vectors and resend what the other lacks. */
  readonly antiEntropyIntervalMs: number;
  readonly regionOf: ReadonlyMap<NodeId, string>;
  /** Each replica's region leader (a leader maps to itself). */
  readonly leaderOf: ReadonlyMap<NodeId, NodeId>;
  /** The region leaders, in topology order: the origins of updates. */
  readonly leaders: readonly NodeId[];
  /** Documents the CRDT resolvers shard keys into. */
  readonly shards: number;
  /** Log entries (updates and journaled ops) appended between compactions, at most. */
  readonly compactEvery: number;
  /**
   * JSON bytes appended between compactions, at most: the log is held in memory, and entries
   * vary from a journaled op (about 100 bytes) to a batch (up to `maxBatchBytes`).
   */
  readonly compactBytes: number;
  /** Staged ops that make a leader seal at once instead of waiting for the batch timer. */
  readonly maxBatchOps: number;
  /** Staged op bytes (JSON) that make a leader seal at once, so a batch fits in a frame. */
  readonly maxBatchBytes: number;
  /** Received updates held for delivery at most (more wait for anti-entropy). */
  readonly maxPending: number;
  /** JSON bytes of updates per peer message; the frame limit is 1 MiB. */
  readonly maxMessageBytes: number;
  /** JSON bytes resent in answer to one version vector (a catch-up continues after). */
  readonly resendBudgetBytes: number;
  /** How long a follower waits for its leader's answer to a forwarded request. */
  readonly forwardTimeoutMs: number;
  /** Conflicts kept in full for reports (all are counted). */
  readonly conflictFeedSize: number;
  /** Update outcomes remembered to answer a retried request without applying it twice. */
  readonly rememberUpdates: number;
}

export const MULTI_LEADER_DEFAULTS = {
  // Documents per replica. More keep each document's history short (an Automerge
  // applyChanges call costs more the longer it is); fewer put more ops into each change and
  // each call (a call costs ≈ 1 ms before its first op). 16 measured best or near it for
  // both CRDTs with 1,000 keys (npm run bench:crdt, SHARDS=… to compare).
  shards: 16,
  compactEvery: 50_000,
  // A count alone did not bound memory: the 30-minute lww soak at 1,000 ops/s appended about
  // 60 batches a second to every follower's log, 50,000 entries took 14 minutes, and replicas
  // grew from 78 to 230 MB (median) and 370 MB (a leader) before compacting
  // (docs/reliability/soak.md). 4 MiB of JSON is some tens of MB of objects in memory.
  compactBytes: 4 * 1024 * 1024,
  maxBatchOps: 5000,
  maxBatchBytes: 256 * 1024,
  maxPending: 100_000,
  maxMessageBytes: 512 * 1024,
  resendBudgetBytes: 4 * 1024 * 1024,
  forwardTimeoutMs: 10_000,
  conflictFeedSize: 200,
  rememberUpdates: 4096,
} as const;

/** The configuration a multi-leader topology describes. */
export function multiLeaderConfigOf(topology: Topology): MultiLeaderConfig {
  const r = topology.replication;
  if (r.mode !== 'multi-leader') throw new RangeError(`not a multi-leader topology: ${r.mode}`);
  const leaderOf = new Map<NodeId, NodeId>();
  const leaders: NodeId[] = [];
  for (const region of topology.regions) {
    const first = region.nodes[0];
    if (first === undefined) continue;
    leaders.push(asNodeId(first));
    for (const id of region.nodes) leaderOf.set(asNodeId(id), asNodeId(first));
  }
  return {
    resolver: r.resolver,
    causal: r.causal,
    batchIntervalMs: r.batchIntervalMs,
    antiEntropyIntervalMs: r.antiEntropyIntervalMs,
    regionOf: new Map(topology.nodes.map((n) => [asNodeId(n.id), n.region])),
    leaderOf,
    leaders,
    ...MULTI_LEADER_DEFAULTS,
  };
}
