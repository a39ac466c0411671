/**
 * A validated topology, resolved: every default applied, every node named, the latency
 * matrix complete. This is what the rest of geolab reads; the YAML's shape stays in
 * topology.schema.json and load.ts.
 */
import type { ConsistencyLevel } from '../core/consistency';

export type DistributionName = 'constant' | 'uniform' | 'normal' | 'exponential' | 'pareto';

export interface Node {
  readonly id: string;
  readonly region: string;
  readonly host: string;
  /** 0 means the runtime picks a free port when it starts the node. */
  readonly port: number;
}

export interface Region {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly clients: number;
}

/** One direction of one region pair (or the inside of a region when from === to). */
export interface OneWayLink {
  readonly from: string;
  readonly to: string;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly distribution: DistributionName;
}

export interface LatencyModel {
  readonly preset?: string;
  /** Every ordered region pair, intra-region links included: `${from}>${to}` → link. */
  readonly links: ReadonlyMap<string, OneWayLink>;
}

/** One definition of the levels and their arithmetic, shared with the leaderless mode. */
export type { ConsistencyLevel };

export interface SingleCopyReplication {
  readonly mode: 'single-copy';
  readonly primary: string;
}

export interface SingleLeaderReplication {
  readonly mode: 'single-leader';
  readonly protocol: 'raft' | 'async' | 'semi-sync';
  readonly leaderRegion?: string;
  readonly reads: 'read-index' | 'lease' | 'leader' | 'follower';
  /** Node ids that replicate without voting. */
  readonly learners: readonly string[];
  readonly electionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly leaseDurationMs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly failoverTimeoutMs: number;
  readonly fencing: boolean;
}

export interface MultiLeaderReplication {
  readonly mode: 'multi-leader';
  readonly resolver: 'automerge' | 'yjs' | 'lww';
  readonly causal: boolean;
  readonly batchIntervalMs: number;
  readonly antiEntropyIntervalMs: number;
}

export interface LeaderlessReplication {
  readonly mode: 'leaderless';
  /** Replicas per key in each region (NetworkTopologyStrategy). */
  readonly replicationFactor: ReadonlyMap<string, number>;
  /** Total replicas per key: the sum of replicationFactor. */
  readonly n: number;
  readonly read: ConsistencyLevel | { readonly r: number };
  readonly write: ConsistencyLevel | { readonly w: number };
  readonly conflicts: 'lww' | 'siblings';
  readonly timestamps: 'hlc' | 'wall';
  readonly readRepair: 'blocking' | 'async' | 'off';
  readonly hintedHandoff: boolean;
  readonly hintWindowMs: number;
  readonly antiEntropyIntervalMs: number;
  readonly sloppyQuorum: boolean;
  readonly speculativeRetryMs?: number;
  readonly serial: boolean;
  readonly virtualNodes: number;
}

export type Replication =
  SingleCopyReplication | SingleLeaderReplication | MultiLeaderReplication | LeaderlessReplication;

export type OperationType = 'read' | 'write' | 'cas' | 'increment' | 'append' | 'text';

export interface Workload {
  readonly keys: number;
  readonly keyDistribution: 'uniform' | 'zipfian' | 'hotkey';
  readonly zipfExponent: number;
  readonly hotKeyFraction: number;
  /** Open loop when set (ops/s per client); otherwise closed loop with `concurrency`. */
  readonly rate?: number;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly mix: Readonly<Partial<Record<OperationType, number>>>;
  /** A consistency level per operation type, sent with each request. */
  readonly levels?: Readonly<Partial<Record<OperationType, string>>>;
  /**
   * Give each data type its own keys (registers `k…`, counters `c…`, lists `l…`, texts `t…`)
   * instead of one key space shared by every op. Mixed on one key, an append finds a register
   * and fails, a write replaces a counter, and no checker can trace the key's values; apart,
   * every key keeps one type. Reads pick a type in proportion to the ops that update it.
   * Not in the YAML: `geolab compare` sets it (src/experiment/compare.ts).
   */
  readonly keysByType?: boolean;
}

export interface Endpoint {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
}

export interface Topology {
  /** The file it came from, for messages. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly regions: readonly Region[];
  readonly nodes: readonly Node[];
  readonly latency: LatencyModel;
  readonly replication: Replication;
  readonly clientTimeoutMs: number;
  readonly workload: Workload;
  readonly toxiproxy: {
    /** 'embedded' or the URL of a real Toxiproxy. */
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly listenHost: string;
  };
  readonly dashboard: Endpoint;
  readonly metrics: Endpoint;
}

/** The key of a directed region pair in LatencyModel.links. */
export function linkKey(from: string, to: string): string {
  return `${from}>${to}`;
}

/** Round-trip time between two regions: d(a→b) + d(b→a). */
export function rttMs(latency: LatencyModel, a: string, b: string): number {
  const there = latency.links.get(linkKey(a, b));
  const back = latency.links.get(linkKey(b, a));
  if (!there || !back) throw new Error(`no latency between ${a} and ${b}`);
  return there.delayMs + back.delayMs;
}
