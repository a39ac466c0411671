import { raftConfigOf, type RaftConfig } from '../../modes/single-leader/raft/config';
import { raft } from '../../modes/single-leader/raft/raft';
import { parseTopology, type Topology } from '../../topology';
import { chaosRun, type ChaosResult } from './chaos';

/**
 * The Raft soak (issue 6): a five-region Raft cluster with ReadIndex reads and a leader
 * preference, under the random nemesis (partitions of every shape, leader-targeted crashes
 * and pauses, clock steps and drift), each run's history checked for linearizability and
 * lost writes. The test suite runs a fixed slice of seeds; `npm run bench:raft-soak` runs 500.
 */
export const SOAK_TOPOLOGY = `
name: raft-soak
regions:
  - { name: us-east-1, replicas: 1 }
  - { name: us-west-2, replicas: 1 }
  - { name: eu-west-1, replicas: 1 }
  - { name: eu-central-1, replicas: 1 }
  - { name: ap-northeast-1, replicas: 1 }
latency: { preset: aws, jitter: 2ms }
replication:
  mode: single-leader
  protocol: raft
  reads: read-index
  leaderRegion: us-east-1
clients: { perRegion: 1, timeout: 2s }
workload:
  keys: 3
  concurrency: 2
  mix: { read: 0.5, write: 0.3, cas: 0.2 }
`;

export function soakTopology(): Topology {
  const r = parseTopology(SOAK_TOPOLOGY, 'raft-soak.yaml');
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** Which safety rule to break, to show the soak notices (RaftConfig.unsafe). */
export type UnsafeRule = keyof NonNullable<RaftConfig['unsafe']>;

export interface SoakRunOptions {
  readonly seed: number;
  /** Virtual ms of workload and faults per run. */
  readonly durationMs?: number;
  readonly unsafe?: UnsafeRule;
}

export const SOAK_DURATION_MS = 20_000;

export function raftSoakRun(options: SoakRunOptions): ChaosResult {
  const topology = soakTopology();
  const base = raftConfigOf(topology);
  const config: RaftConfig =
    options.unsafe === undefined ? base : { ...base, unsafe: { [options.unsafe]: true } };
  return chaosRun(topology, {
    seed: options.seed,
    durationMs: options.durationMs ?? SOAK_DURATION_MS,
    replica: (env) => raft(env, config),
  });
}
