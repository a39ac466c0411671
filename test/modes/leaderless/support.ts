import type { NodeId } from '../../../src/core/ids';
import type { LeaderlessConfig } from '../../../src/modes/leaderless/config';
import {
  divergentKeys,
  leaderlessSim,
  leaderlessTopology,
} from '../../../src/runtime/sim/leaderless-scenarios';

export { divergentKeys };

export const topology = (yaml: string) => leaderlessTopology(yaml, 'leaderless-test.yaml');

/** A simulation in leaderless mode, with the replicas reachable for inspection. */
export const leaderlessSimulation = leaderlessSim;

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
