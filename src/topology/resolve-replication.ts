import { acksNeeded } from '../core/consistency';
import type { RawReplication } from './raw';
import { durationAt, type Reporter } from './reporter';
import { checkNode, checkRegion } from './resolve-nodes';
import type {
  ConsistencyLevel,
  LeaderlessReplication,
  Node,
  Region,
  Replication,
  SingleLeaderReplication,
} from './types';

const R = ['replication'];

/** Defaults sized for a lab: timeouts well above the largest real inter-region RTT (≈ 320 ms). */
export const REPLICATION_DEFAULTS = {
  electionTimeoutMs: 1000,
  heartbeatIntervalMs: 100,
  leaseDurationMs: 900,
  failoverTimeoutMs: 1000,
  batchIntervalMs: 50,
  multiLeaderAntiEntropyMs: 5000,
  /** Cassandra's max_hint_window default. */
  hintWindowMs: 3 * 3600_000,
  leaderlessAntiEntropyMs: 10_000,
  /** Cassandra 4's num_tokens default. */
  virtualNodes: 16,
  replicationFactor: 3,
} as const;

/**
 * The `replication` options each mode (and single-leader protocol) takes: what
 * resolveReplication and the protocol's config read. `--mode` keeps the file's options the
 * new mode takes and drops the rest, so a raft file's `reads: read-index` or
 * `electionTimeout` does not follow it to async.
 */
export function replicationOptionsOf(mode: string, protocol?: string): readonly string[] {
  switch (mode) {
    case 'single-copy':
      return ['primary'];
    case 'single-leader': {
      const shared = ['protocol', 'leaderRegion', 'learners', 'heartbeatInterval'];
      return protocol === undefined || protocol === 'raft'
        ? [...shared, 'reads', 'electionTimeout', 'leaseDuration', 'preVote', 'checkQuorum']
        : [...shared, 'reads', 'failoverTimeout', 'fencing'];
    }
    case 'multi-leader':
      return ['resolver', 'causal', 'batchInterval', 'antiEntropyInterval'];
    case 'leaderless':
      return [
        'replicationFactor',
        'n',
        'read',
        'write',
        'r',
        'w',
        'conflicts',
        'timestamps',
        'readRepair',
        'hintedHandoff',
        'hintWindow',
        'antiEntropyInterval',
        'sloppyQuorum',
        'speculativeRetry',
        'serial',
        'virtualNodes',
      ];
    default:
      return [];
  }
}

/** Read levels only raft can serve (a quorum confirms the leader still leads). */
export const RAFT_READS: readonly string[] = ['read-index', 'lease'];

export function resolveReplication(
  raw: RawReplication,
  regions: readonly Region[],
  nodes: readonly Node[],
  report: Reporter,
): Replication | undefined {
  switch (raw.mode) {
    case 'single-copy': {
      const primary = (raw.primary as string | undefined) ?? nodes[0]?.id;
      if (primary === undefined) return undefined;
      if (raw.primary !== undefined && !checkNode(report, [...R, 'primary'], primary, nodes))
        return undefined;
      return { mode: 'single-copy', primary };
    }
    case 'single-leader':
      return singleLeader(raw, regions, nodes, report);
    case 'multi-leader':
      return {
        mode: 'multi-leader',
        resolver: (raw.resolver as 'automerge' | 'yjs' | 'lww' | undefined) ?? 'automerge',
        causal: (raw.causal as boolean | undefined) ?? true,
        batchIntervalMs:
          positive(report, 'batchInterval', raw) ?? REPLICATION_DEFAULTS.batchIntervalMs,
        antiEntropyIntervalMs:
          positive(report, 'antiEntropyInterval', raw) ??
          REPLICATION_DEFAULTS.multiLeaderAntiEntropyMs,
      };
    case 'leaderless':
      return leaderless(raw, regions, report);
    default:
      // The schema's discriminator already reported it.
      return undefined;
  }
}

function positive(report: Reporter, field: string, raw: RawReplication): number | undefined {
  return durationAt(report, [...R, field], raw[field] as string | undefined, { zero: false });
}

function singleLeader(
  raw: RawReplication,
  regions: readonly Region[],
  nodes: readonly Node[],
  report: Reporter,
): SingleLeaderReplication | undefined {
  const protocol = (raw.protocol as SingleLeaderReplication['protocol'] | undefined) ?? 'raft';
  const reads =
    (raw.reads as SingleLeaderReplication['reads'] | undefined) ??
    (protocol === 'raft' ? 'read-index' : 'leader');
  if (protocol !== 'raft' && RAFT_READS.includes(reads)) {
    report.error(
      [...R, 'reads'],
      `reads: ${reads} needs protocol: raft (an ${protocol} primary has no quorum to confirm it still leads; use reads: leader or follower)`,
    );
  }
  const leaderRegion = raw.leaderRegion as string | undefined;
  if (leaderRegion !== undefined)
    checkRegion(report, [...R, 'leaderRegion'], leaderRegion, regions);

  const learners: string[] = [];
  ((raw.learners as string[] | undefined) ?? []).forEach((name, i) => {
    const region = regions.find((r) => r.name === name);
    if (region) learners.push(...region.nodes);
    else if (checkNode(report, [...R, 'learners', i], name, nodes)) learners.push(name);
  });
  if (nodes.length > 0 && nodes.every((n) => learners.includes(n.id))) {
    report.error([...R, 'learners'], 'every replica is a learner (at least one replica must vote)');
  }
  if (leaderRegion !== undefined) {
    const voters = regions
      .find((r) => r.name === leaderRegion)
      ?.nodes.filter((id) => !learners.includes(id));
    if (voters !== undefined && voters.length === 0) {
      report.error(
        [...R, 'leaderRegion'],
        `leaderRegion ${leaderRegion} has no voting replica (its nodes are all learners or it has none)`,
      );
    }
  }

  const electionTimeoutMs =
    positive(report, 'electionTimeout', raw) ?? REPLICATION_DEFAULTS.electionTimeoutMs;
  const heartbeatIntervalMs =
    positive(report, 'heartbeatInterval', raw) ?? REPLICATION_DEFAULTS.heartbeatIntervalMs;
  const leaseDurationMs =
    positive(report, 'leaseDuration', raw) ??
    Math.min(REPLICATION_DEFAULTS.leaseDurationMs, Math.round(electionTimeoutMs * 0.9));
  if (heartbeatIntervalMs >= electionTimeoutMs) {
    report.error(
      [...R, raw.heartbeatInterval !== undefined ? 'heartbeatInterval' : 'electionTimeout'],
      `heartbeatInterval (${heartbeatIntervalMs}ms) must be shorter than electionTimeout (${electionTimeoutMs}ms), or followers start elections against a live leader`,
    );
  }
  // A leader may serve lease reads only while no follower can have timed out and elected
  // another leader: the lease must end before the election timeout (Raft thesis §6.4.1).
  if (raw.leaseDuration !== undefined && leaseDurationMs >= electionTimeoutMs) {
    report.error(
      [...R, 'leaseDuration'],
      `leaseDuration (${leaseDurationMs}ms) must be shorter than electionTimeout (${electionTimeoutMs}ms) for lease reads to be safe`,
    );
  }
  return {
    mode: 'single-leader',
    protocol,
    leaderRegion,
    reads,
    learners,
    electionTimeoutMs,
    heartbeatIntervalMs,
    leaseDurationMs,
    preVote: (raw.preVote as boolean | undefined) ?? true,
    checkQuorum: (raw.checkQuorum as boolean | undefined) ?? true,
    failoverTimeoutMs:
      positive(report, 'failoverTimeout', raw) ?? REPLICATION_DEFAULTS.failoverTimeoutMs,
    fencing: (raw.fencing as boolean | undefined) ?? false,
  };
}

/**
 * How many replica acknowledgements a level needs, given replicas per key per region: the
 * leaderless coordinator's own arithmetic (core/consistency), so validation and runtime agree.
 */
export { acksNeeded } from '../core/consistency';

function leaderless(
  raw: RawReplication,
  regions: readonly Region[],
  report: Reporter,
): LeaderlessReplication | undefined {
  const rf = new Map<string, number>();
  const written = raw.replicationFactor as number | Record<string, number> | undefined;
  const explicitN = raw.n as number | undefined;
  if (typeof written === 'object') {
    for (const region of regions) rf.set(region.name, 0);
    for (const [name, count] of Object.entries(written)) {
      if (checkRegion(report, [...R, 'replicationFactor', name], name, regions))
        rf.set(name, count);
    }
  } else if (written === undefined && explicitN !== undefined) {
    // n alone: spread n replicas over the regions in file order, as evenly as their sizes allow.
    for (const region of regions) rf.set(region.name, 0);
    let left = explicitN;
    while (left > 0 && regions.some((r) => (rf.get(r.name) ?? 0) < r.nodes.length)) {
      for (const region of regions) {
        if (left > 0 && (rf.get(region.name) ?? 0) < region.nodes.length) {
          rf.set(region.name, (rf.get(region.name) ?? 0) + 1);
          left--;
        }
      }
    }
  } else {
    for (const region of regions) {
      rf.set(
        region.name,
        written ?? Math.min(REPLICATION_DEFAULTS.replicationFactor, region.nodes.length),
      );
    }
  }
  for (const region of regions) {
    const k = rf.get(region.name) ?? 0;
    if (k > region.nodes.length) {
      const at =
        typeof written === 'object'
          ? [...R, 'replicationFactor', region.name]
          : [...R, 'replicationFactor'];
      report.error(
        at,
        `replicationFactor ${k} for region ${region.name} is larger than its ${region.nodes.length} replica(s) (at most ${region.nodes.length})`,
      );
    }
  }
  const n = [...rf.values()].reduce((a, b) => a + b, 0);
  const total = regions.reduce((sum, r) => sum + r.nodes.length, 0);
  if (explicitN !== undefined && explicitN > total) {
    report.error(
      [...R, 'n'],
      `n = ${explicitN} is larger than the replica count, ${total} (at most ${total})`,
    );
    return undefined;
  }
  if (explicitN !== undefined && written !== undefined && explicitN !== n) {
    report.error(
      [...R, 'n'],
      `n = ${explicitN} disagrees with replicationFactor, which places ${n} replicas per key (drop n, or make them agree)`,
    );
  }
  if (n === 0) {
    report.error(
      [...R, 'replicationFactor'],
      'no region holds a replica of any key (replicationFactor ≥ 1 somewhere)',
    );
    return undefined;
  }

  const read = quorumSide(raw, 'read', 'r', n, rf, regions, report);
  const write = quorumSide(raw, 'write', 'w', n, rf, regions, report);
  if (read === undefined || write === undefined) return undefined;
  if (raw.serial === true && raw.conflicts === 'siblings') {
    report.error(
      [...R, 'serial'],
      'serial (Paxos) CAS needs conflicts: lww (siblings have no single current value to compare)',
    );
  }
  return {
    mode: 'leaderless',
    replicationFactor: rf,
    n,
    read,
    write,
    conflicts: (raw.conflicts as 'lww' | 'siblings' | undefined) ?? 'lww',
    timestamps: (raw.timestamps as 'hlc' | 'wall' | undefined) ?? 'wall',
    readRepair: (raw.readRepair as 'blocking' | 'async' | 'off' | undefined) ?? 'blocking',
    hintedHandoff: (raw.hintedHandoff as boolean | undefined) ?? true,
    hintWindowMs: positive(report, 'hintWindow', raw) ?? REPLICATION_DEFAULTS.hintWindowMs,
    antiEntropyIntervalMs:
      positive(report, 'antiEntropyInterval', raw) ?? REPLICATION_DEFAULTS.leaderlessAntiEntropyMs,
    sloppyQuorum: (raw.sloppyQuorum as boolean | undefined) ?? false,
    speculativeRetryMs: positive(report, 'speculativeRetry', raw),
    serial: (raw.serial as boolean | undefined) ?? false,
    virtualNodes: (raw.virtualNodes as number | undefined) ?? REPLICATION_DEFAULTS.virtualNodes,
  };
}

/** One side of the quorum (reads or writes): a level, or an explicit count; checked against n. */
function quorumSide<K extends 'r' | 'w'>(
  raw: RawReplication,
  levelField: 'read' | 'write',
  countField: K,
  n: number,
  rf: ReadonlyMap<string, number>,
  regions: readonly Region[],
  report: Reporter,
): ConsistencyLevel | Record<K, number> | undefined {
  const level = raw[levelField] as ConsistencyLevel | undefined;
  const count = raw[countField] as number | undefined;
  if (level !== undefined && count !== undefined) {
    report.error(
      [...R, countField],
      `give ${levelField} (a consistency level) or ${countField} (a count), not both`,
    );
    return undefined;
  }
  if (count !== undefined) {
    if (count > n) {
      report.error(
        [...R, countField],
        `${countField} = ${count} is larger than the replica count n = ${n} (at most ${n})`,
      );
      return undefined;
    }
    return { [countField]: count } as Record<K, number>;
  }
  const chosen = level ?? 'QUORUM';
  const path = [...R, levelField];
  if (levelField === 'read' && chosen === 'ANY') {
    report.error(path, 'ANY is a write level (for reads use ONE, LOCAL_ONE, QUORUM, …)');
    return undefined;
  }
  for (const region of regions) {
    const local = rf.get(region.name) ?? 0;
    if (chosen.startsWith('LOCAL_') && local === 0 && region.clients > 0) {
      report.error(
        path,
        `${levelField}: ${chosen} cannot be met from region ${region.name}, which holds no replicas but has clients (give it a replicationFactor, or use a non-local level)`,
      );
      return undefined;
    }
    const needed = acksNeeded(chosen, rf, region.name);
    if (needed > n) {
      report.error(
        path,
        `${levelField}: ${chosen} needs ${needed} replicas but n = ${n} (${countField} larger than the replica count)`,
      );
      return undefined;
    }
  }
  return chosen;
}
