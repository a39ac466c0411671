import type { DurableStorage } from '../../../../src/core/storage/durable-storage';
import { checkHistoryText } from '../../../../src/checker/linearizability';
import { raftConfigOf, type RaftConfig } from '../../../../src/modes/single-leader/raft/config';
import { Raft } from '../../../../src/modes/single-leader/raft/raft';
import { Simulation } from '../../../../src/runtime/sim';
import type { SimMessage } from '../../../../src/runtime/sim/simulation';
export { soakTopology as fiveRegions } from '../../../../src/runtime/sim/raft-soak';
import { parseTopology, type Topology } from '../../../../src/topology';

export function topology(yaml: string, name = 'raft-test.yaml'): Topology {
  const r = parseTopology(yaml, name);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** A simulation of `t` running Raft, with the replicas reachable for inspection. */
export function raftSimulation(
  t: Topology,
  seed: number | string,
  tweak: (c: RaftConfig) => RaftConfig = (c) => c,
  onMessage?: (m: SimMessage) => void,
): { sim: Simulation; replicas: Map<string, Raft>; storage: Map<string, DurableStorage> } {
  const config = tweak(raftConfigOf(t));
  const replicas = new Map<string, Raft>();
  const storage = new Map<string, DurableStorage>();
  const sim = new Simulation({
    topology: t,
    seed,
    onMessage,
    replica: (env, node) => {
      const r = new Raft(env, config);
      replicas.set(node, r);
      storage.set(node, env.storage);
      return r;
    },
  });
  return { sim, replicas, storage };
}

export function leaders(replicas: Map<string, Raft>): string[] {
  return [...replicas].filter(([, r]) => r.status().role === 'leader').map(([id]) => id);
}

export const verdict = (sim: Simulation): string =>
  checkHistoryText(sim.historyJsonl(), { format: 'jsonl' }).verdict;
