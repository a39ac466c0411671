import type { NodeId } from '../../../src/core/ids';
import type { LeaderlessConfig } from '../../../src/modes/leaderless/config';
import { Leaderless } from '../../../src/modes/leaderless/leaderless';
import { sameCell } from '../../../src/modes/leaderless/cell';
import { leaderlessConfigOf } from '../../../src/runtime/leaderless-config';
import { Simulation } from '../../../src/runtime/sim';
import { parseTopology, type Topology } from '../../../src/topology';
import type { HistoryOp } from '../../../src/workload/history';

export function topology(yaml: string, name = 'leaderless-test.yaml'): Topology {
  const r = parseTopology(yaml, name);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** A simulation of `t` in leaderless mode, with the replicas reachable for inspection. */
export function leaderlessSimulation(
  t: Topology,
  seed: number | string,
  tweak: (c: LeaderlessConfig) => LeaderlessConfig = (c) => c,
): { sim: Simulation; replicas: Map<string, Leaderless>; config: LeaderlessConfig } {
  const config = tweak(leaderlessConfigOf(t));
  const replicas = new Map<string, Leaderless>();
  const sim = new Simulation({
    topology: t,
    seed,
    replica: (env, node) => {
      const r = new Leaderless(env, config);
      replicas.set(node, r);
      return r;
    },
  });
  return { sim, replicas, config };
}

/** Keys whose replicas do not all hold the same cell (by digest). */
export function divergentKeys(
  replicas: Map<string, Leaderless>,
  keys: readonly string[],
): string[] {
  const any = [...replicas.values()][0];
  return keys.filter((key) => {
    const holders = any.placement.replicas(key).map((id) => replicas.get(id as NodeId));
    const first = holders[0]?.cell(key);
    return holders.some((r) => !sameCell(r?.cell(key), first));
  });
}

/** Keys written in a history. */
export function writtenKeys(history: readonly HistoryOp[]): string[] {
  return [...new Set(history.filter((h) => h.f === 'write').map((h) => String(h.key)))].sort();
}

/** Completed client ops of a history, paired: [invoke, completion]. */
export function completions(history: readonly HistoryOp[]): HistoryOp[] {
  return history.filter((h) => h.type !== 'invoke' && typeof h.process === 'number');
}

/** A small hand-built configuration: regions a and b, two nodes each, every node a replica. */
export function smallConfig(overrides: Partial<LeaderlessConfig> = {}): LeaderlessConfig {
  const ids = ['a1', 'a2', 'b1', 'b2'];
  return {
    members: ids.map((id) => ({ id: id as NodeId, region: id[0], ring: true })),
    replicationFactor: new Map([
      ['a', 2],
      ['b', 2],
    ]),
    read: 'QUORUM',
    write: 'QUORUM',
    conflicts: 'lww',
    timestamps: 'hlc',
    readRepair: 'blocking',
    hintedHandoff: true,
    hintWindowMs: 60_000,
    antiEntropyIntervalMs: 0,
    sloppyQuorum: false,
    serial: false,
    virtualNodes: 8,
    regionRttMs: new Map([
      ['a>a', 1],
      ['a>b', 50],
      ['b>a', 50],
      ['b>b', 1],
    ]),
    readTargets: 'closest',
    writeTimeoutMs: 1000,
    readTimeoutMs: 1000,
    casTimeoutMs: 1000,
    heartbeatIntervalMs: 0,
    failureTimeoutMs: 1000,
    hintReplayIntervalMs: 1000,
    merkleDepth: 4,
    sessionContexts: 100,
    ...overrides,
  };
}
