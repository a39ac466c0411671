import { asNodeId } from '../core/ids';
import {
  LEADERLESS_DEFAULTS,
  type LeaderlessConfig,
  type LevelSpec,
} from '../modes/leaderless/config';
import { rttMs, type Topology } from '../topology';

/**
 * The leaderless configuration a topology describes (the registry's half of the mode: modes/
 * never reads a topology). Coordinator timeouts stay below the clients' own, so that a client
 * hears the coordinator's verdict (unavailable, timeout) rather than timing out itself; the
 * snitch's ranks are the topology's region round trips.
 */
export function leaderlessConfigOf(topology: Topology): LeaderlessConfig {
  const r = topology.replication;
  if (r.mode !== 'leaderless') throw new RangeError(`not a leaderless topology: ${r.mode}`);
  const regionRttMs = new Map<string, number>();
  for (const a of topology.regions) {
    for (const b of topology.regions)
      regionRttMs.set(`${a.name}>${b.name}`, rttMs(topology.latency, a.name, b.name));
  }
  const level = (side: typeof r.read | typeof r.write): LevelSpec =>
    typeof side === 'string' ? side : { count: 'r' in side ? side.r : side.w };
  // Cassandra waits 2 s for writes and 5 s for reads; a lab's clients give up sooner.
  const requestTimeoutMs = Math.min(2000, Math.round(topology.clientTimeoutMs * 0.75));
  return {
    members: topology.nodes.map((n) => ({ id: asNodeId(n.id), region: n.region, ring: true })),
    replicationFactor: r.replicationFactor,
    read: level(r.read),
    write: level(r.write),
    conflicts: r.conflicts,
    timestamps: r.timestamps,
    readRepair: r.readRepair,
    hintedHandoff: r.hintedHandoff,
    hintWindowMs: r.hintWindowMs,
    antiEntropyIntervalMs: r.antiEntropyIntervalMs,
    sloppyQuorum: r.sloppyQuorum,
    ...(r.speculativeRetryMs === undefined ? {} : { speculativeRetryMs: r.speculativeRetryMs }),
    serial: r.serial,
    virtualNodes: r.virtualNodes,
    regionRttMs,
    readTargets: LEADERLESS_DEFAULTS.readTargets,
    writeTimeoutMs: requestTimeoutMs,
    readTimeoutMs: requestTimeoutMs,
    casTimeoutMs: requestTimeoutMs,
    heartbeatIntervalMs: LEADERLESS_DEFAULTS.heartbeatIntervalMs,
    failureTimeoutMs: LEADERLESS_DEFAULTS.failureTimeoutMs,
    hintReplayIntervalMs: LEADERLESS_DEFAULTS.hintReplayIntervalMs,
    merkleDepth: LEADERLESS_DEFAULTS.merkleDepth,
    sessionContexts: LEADERLESS_DEFAULTS.sessionContexts,
  };
}
