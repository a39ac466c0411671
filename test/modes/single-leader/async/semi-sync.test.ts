import type { ClientResult } from '../../../../src/core/messages/client';
import { parseTopology, type Topology } from '../../../../src/topology';
import { run, simulation } from './support';

// semi-sync: a write is acknowledged once the primary and one backup hold it, so it costs a
// round trip to the nearest backup; async acknowledges on the primary's own disk.
function oneReplicaPerRegion(protocol: 'async' | 'semi-sync'): Topology {
  const r = parseTopology(
    `
regions:
  - name: us-east-1
    replicas: [p]
  - name: eu-west-1
    replicas: [e]
  - name: ap-southeast-1
    replicas: [s]
latency: { preset: aws, jitter: 0ms }
replication: { mode: single-leader, protocol: ${protocol}, leaderRegion: us-east-1 }
clients: { timeout: 2s }
`,
    'semi.yaml',
  );
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** Median latency of `n` writes, one after another, from a client in us-east-1. */
function writeLatency(t: Topology, n = 20): { median: number; results: ClientResult[] } {
  const { sim } = simulation(t, 1);
  sim.runFor(1000);
  const client = sim.client('us-east-1', { node: 'p' });
  const results: ClientResult[] = [];
  for (let i = 0; i < n; i++)
    results.push(run(sim, client, { f: 'write', key: 'x', value: i }, 500));
  const writes = sim.history.filter((h) => h.f === 'write');
  const latencies = writes
    .filter((h) => h.type !== 'invoke')
    .map((done, i) => done.time - writes.filter((h) => h.type === 'invoke')[i].time)
    .sort((a, b) => a - b);
  return { median: latencies[Math.floor(latencies.length / 2)], results };
}

describe('semi-sync', () => {
  it('waits for the nearest backup: write latency ≈ client RTT + RTT to that backup', () => {
    const async = writeLatency(oneReplicaPerRegion('async'));
    const semi = writeLatency(oneReplicaPerRegion('semi-sync'));
    expect(async.results.every((r) => r.type === 'ok')).toBe(true);
    expect(semi.results.every((r) => r.type === 'ok')).toBe(true);
    // The client in us-east-1 reaches p over 4 ms RTT; p's nearest backup is e in eu-west-1,
    // 69.5 ms away (s in ap-southeast-1 is 212 ms away). Fsyncs cost nothing in the simulator.
    expect(async.median).toBeCloseTo(4, 0);
    expect(Math.abs(semi.median - (4 + 69.5))).toBeLessThan(2);
  });

  it('answers info when no backup acknowledges in time: the write may still take effect', () => {
    const t = oneReplicaPerRegion('semi-sync');
    // Backups wait longer than the cut lasts, or they would elect one of themselves, and the
    // healed primary would step down and drop the write.
    const { sim } = simulation(t, 2, { semiSyncTimeoutMs: 800, failoverTimeoutMs: 5000 });
    sim.runFor(1000);
    sim.at(sim.now, () => sim.network.partition(['p'], ['e', 's']));
    sim.runFor(10);
    const client = sim.client('us-east-1', { node: 'p' });
    const write = run(sim, client, { f: 'write', key: 'x', value: 'cut-off' }, 1500);
    expect(write).toMatchObject({ type: 'info', error: 'timeout' });
    // It was applied and logged, and reaches the backups once they are reachable again.
    sim.at(sim.now, () => sim.heal());
    sim.runFor(500);
    const read = run(
      sim,
      sim.client('eu-west-1', { node: 'e' }),
      { f: 'read', key: 'x' },
      500,
      'follower',
    );
    expect(read).toMatchObject({ type: 'ok', value: 'cut-off' });
  });
});
