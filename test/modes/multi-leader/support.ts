import type { ReplicaEvent } from '../../../src/core/events';
import {
  multiLeaderConfigOf,
  type MultiLeaderConfig,
} from '../../../src/modes/multi-leader/config';
import { MultiLeader } from '../../../src/modes/multi-leader/multi-leader';
import type { ResolverName } from '../../../src/modes/multi-leader/resolvers';
import { Simulation } from '../../../src/runtime/sim';
import type { Topology } from '../../../src/topology';
import { topology } from '../../runtime/sim/support';

/**
 * Three regions a, b, c with `replicas` each (the first leads), 2 ms inside a region and
 * 80–150 ms between them: far enough apart that a batch in flight is easy to see.
 */
export function threeRegions(
  resolver: ResolverName,
  options: { causal?: boolean; replicas?: number; antiEntropy?: string } = {},
): Topology {
  return topology(`
regions:
  - { name: a, replicas: ${options.replicas ?? 2} }
  - { name: b, replicas: ${options.replicas ?? 2} }
  - { name: c, replicas: ${options.replicas ?? 2} }
latency:
  intraRegionRtt: 2ms
  links:
    - { between: [a, b], rtt: 80ms }
    - { between: [a, c], rtt: 150ms }
    - { between: [b, c], rtt: 100ms }
replication:
  mode: multi-leader
  resolver: ${resolver}
  causal: ${options.causal ?? true}
  batchInterval: 50ms
  antiEntropyInterval: ${options.antiEntropy ?? '1s'}
clients: { perRegion: 2, timeout: 2s }
`);
}

export interface MultiLeaderSim {
  readonly sim: Simulation;
  /** The replica object of each node's current incarnation. */
  readonly replicas: Map<string, MultiLeader>;
  readonly events: { node: string; at: number; ev: ReplicaEvent }[];
}

export function multiLeaderSimulation(
  t: Topology,
  seed: number | string,
  tweak: (c: MultiLeaderConfig) => MultiLeaderConfig = (c) => c,
): MultiLeaderSim {
  const config = tweak(multiLeaderConfigOf(t));
  const replicas = new Map<string, MultiLeader>();
  const events: MultiLeaderSim['events'] = [];
  const sim = new Simulation({
    topology: t,
    seed,
    replica: (env, node) => {
      const r = new MultiLeader(env, config);
      replicas.set(node, r);
      return r;
    },
    onEvent: (node, at, ev) => {
      if (ev.kind !== 'metric') events.push({ node, at, ev });
    },
  });
  return { sim, replicas, events };
}

/** Whether every replica's state hash is the same. */
export function converged(replicas: Map<string, MultiLeader>): boolean {
  return new Set([...replicas.values()].map((r) => r.stateHash())).size === 1;
}

/**
 * The first virtual time, polling every `stepMs` from now, at which all replicas agree;
 * undefined if they do not by `untilMs`.
 */
export function timeToConverge(s: MultiLeaderSim, untilMs: number, stepMs = 5): number | undefined {
  for (let t = s.sim.now; t <= untilMs; t += stepMs) {
    s.sim.runUntil(t);
    if (converged(s.replicas)) return t;
  }
  return undefined;
}

/** Prints a result line for the reader of the test run (and the final report). */
export function report(line: string): void {
  process.stdout.write(`  [multi-leader] ${line}\n`);
}
