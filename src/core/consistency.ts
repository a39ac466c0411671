/**
 * Cassandra's consistency levels as acknowledgement arithmetic, alone so that the topology's
 * validation (how many replicas a level needs) and the leaderless coordinator (when a request
 * has enough answers) share one definition, as etcd-io/raft keeps its majority arithmetic in
 * `quorum/`. Pure and exhaustively tested (test/core/consistency.test.ts).
 *
 * The levels (Cassandra 4 documentation, "Tunable consistency"): ONE, TWO, THREE: that many
 * replicas anywhere; QUORUM: a majority of all replicas of the key, ⌊n/2⌋ + 1; ALL: every one;
 * LOCAL_ONE and LOCAL_QUORUM: one, or a majority, of the replicas in the coordinator's own
 * region, and only those count; EACH_QUORUM: a majority in every region that holds replicas;
 * ANY (writes only): one acknowledgement, where a hint stored for a replica that is down also
 * counts. An explicit count (`r: 2`, `w: 1`: Dynamo's N, R, W) counts replicas anywhere.
 */
import { majority } from './quorum';

export const CONSISTENCY_LEVELS = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_ONE',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

export function isConsistencyLevel(value: unknown): value is ConsistencyLevel {
  return typeof value === 'string' && (CONSISTENCY_LEVELS as readonly string[]).includes(value);
}

/** Replicas per key in each region (NetworkTopologyStrategy's replication factors). */
export type ReplicationFactor = ReadonlyMap<string, number>;

/** What a request waits for. */
export type AckRequirement =
  /** `count` acknowledgements from replicas in any region; with `hintsCount`, stored hints too. */
  | { readonly kind: 'anywhere'; readonly count: number; readonly hintsCount: boolean }
  /** From each listed region, that many acknowledgements from its replicas; no other counts. */
  | { readonly kind: 'per-region'; readonly perRegion: ReadonlyMap<string, number> };

/** Total replicas per key: the sum of the replication factors. */
export function replicaCount(rf: ReplicationFactor): number {
  let n = 0;
  for (const k of rf.values()) n += k;
  return n;
}

/**
 * What `level` needs, for a coordinator in region `local`. A LOCAL_* level in a region that
 * holds no replicas needs one acknowledgement that cannot come: such a request is unavailable.
 */
export function requirementOf(
  level: ConsistencyLevel,
  rf: ReplicationFactor,
  local: string,
): AckRequirement {
  const anywhere = (count: number, hintsCount = false): AckRequirement => ({
    kind: 'anywhere',
    count,
    hintsCount,
  });
  switch (level) {
    case 'ANY':
      return anywhere(1, true);
    case 'ONE':
      return anywhere(1);
    case 'TWO':
      return anywhere(2);
    case 'THREE':
      return anywhere(3);
    case 'QUORUM':
      return anywhere(majority(replicaCount(rf)));
    case 'ALL':
      return anywhere(replicaCount(rf));
    case 'LOCAL_ONE':
      return { kind: 'per-region', perRegion: new Map([[local, 1]]) };
    case 'LOCAL_QUORUM':
      return { kind: 'per-region', perRegion: new Map([[local, majority(rf.get(local) ?? 0)]]) };
    case 'EACH_QUORUM': {
      const perRegion = new Map<string, number>();
      for (const [region, k] of rf) if (k > 0) perRegion.set(region, majority(k));
      return { kind: 'per-region', perRegion };
    }
  }
}

/** Dynamo's explicit R or W: `count` replicas anywhere. */
export function countRequirement(count: number): AckRequirement {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`an explicit count must be an integer ≥ 1, got ${count}`);
  return { kind: 'anywhere', count, hintsCount: false };
}

/** How many acknowledgements a requirement needs in all. */
export function totalAcks(req: AckRequirement): number {
  if (req.kind === 'anywhere') return req.count;
  let sum = 0;
  for (const k of req.perRegion.values()) sum += k;
  return sum;
}

/** How many replica acknowledgements `level` needs, given replicas per key per region. */
export function acksNeeded(level: ConsistencyLevel, rf: ReplicationFactor, local: string): number {
  return totalAcks(requirementOf(level, rf, local));
}

/**
 * Whether acknowledgements from replicas in these regions (one entry per acknowledging
 * replica) meet the requirement. Hints are not replicas: the caller counts them, for ANY only.
 */
export function isMet(req: AckRequirement, ackRegions: Iterable<string>): boolean {
  if (req.kind === 'anywhere') {
    let n = 0;
    for (const _ of ackRegions) if (++n >= req.count) return true;
    return n >= req.count;
  }
  const counts = new Map<string, number>();
  for (const r of ackRegions) counts.set(r, (counts.get(r) ?? 0) + 1);
  for (const [region, need] of req.perRegion) if ((counts.get(region) ?? 0) < need) return false;
  return true;
}
