import { join } from 'node:path';
import { checkHistoryText } from '../../../src/checker/linearizability';
import type { ClientResult } from '../../../src/core/messages/client';
import { driveWorkload } from '../../../src/runtime/sim';
import { simulate } from '../../../src/runtime/sim/run';
import { loadTopologyFile } from '../../../src/topology';
import { SERIAL_TOPOLOGY as SERIAL } from '../../../src/runtime/sim/leaderless-scenarios';
import { divergentKeys, leaderlessSimulation, topology } from './support';

// Each feature under the fault that exercises it, in the simulator with fixed seeds.

/** One region of three replicas, plus region z whose replica holds no keys (a coordinator only). */
const ONE_REGION = `
regions:
  - { name: a, replicas: 3 }
  - { name: z, replicas: 1 }
latency:
  intraRegionRtt: 2ms
  links: [{ between: [a, z], rtt: 10ms }]
replication:
  mode: leaderless
  replicationFactor: { a: 3, z: 0 }
  read: QUORUM
  write: QUORUM
clients: { timeout: 2s }
`;

const noAntiEntropy = <T extends { antiEntropyIntervalMs: number }>(c: T): T => ({
  ...c,
  antiEntropyIntervalMs: 0,
});

describe('hinted handoff', () => {
  it('keeps hints for a crashed replica durably, across a crash of the coordinator, and hands them off on recovery', () => {
    const t = topology(ONE_REGION);
    const { sim, replicas } = leaderlessSimulation(t, 1, noAntiEntropy);
    const client = sim.client('a', { node: 'a-n1' });
    const results: ClientResult[] = [];
    sim.at(500, () => sim.crash('a-n3'));
    for (let i = 0; i < 40; i++) {
      sim.at(1000 + 100 * i, () =>
        client.invoke({ f: 'write', key: `k${i % 5}`, value: i }, {}, (r) => results.push(r)),
      );
    }
    // The coordinator holding the hints crashes and restarts while a-n3 is still down.
    sim.at(6000, () => sim.crash('a-n1'));
    sim.at(6500, () => sim.restart('a-n1'));
    sim.at(8000, () => {
      expect(replicas.get('a-n1')?.status().hints).toBeGreaterThan(0);
      expect(divergentKeys(replicas, ['k0', 'k1', 'k2', 'k3', 'k4'])).not.toEqual([]);
      sim.restart('a-n3');
    });
    sim.runUntil(10_000);
    expect(results.filter((r) => r.type === 'ok')).toHaveLength(40);
    expect(divergentKeys(replicas, ['k0', 'k1', 'k2', 'k3', 'k4'])).toEqual([]);
    expect(replicas.get('a-n1')?.status().hints).toBe(0);
  });

  it('lets ANY succeed on a hint alone when every replica is down, and ONE fail as unavailable', () => {
    const t = topology(ONE_REGION);
    const { sim, replicas } = leaderlessSimulation(t, 2, noAntiEntropy);
    const coordinator = sim.client('z', { node: 'z-n1' });
    const got: Record<string, ClientResult> = {};
    sim.at(100, () => ['a-n1', 'a-n2', 'a-n3'].forEach((id) => sim.crash(id)));
    sim.at(2000, () =>
      coordinator.invoke(
        { f: 'write', key: 'x', value: 1 },
        { level: 'ONE' },
        (r) => (got.one = r),
      ),
    );
    sim.at(2100, () =>
      coordinator.invoke(
        { f: 'write', key: 'x', value: 2 },
        { level: 'ANY' },
        (r) => (got.any = r),
      ),
    );
    sim.at(2200, () => ['a-n1', 'a-n2', 'a-n3'].forEach((id) => sim.restart(id)));
    sim.at(4000, () =>
      coordinator.invoke({ f: 'read', key: 'x' }, { level: 'ALL' }, (r) => (got.read = r)),
    );
    sim.runUntil(5000);
    expect(got.one).toMatchObject({ type: 'fail', error: 'unavailable' });
    expect(got.any).toMatchObject({ type: 'ok' });
    expect(got.read).toMatchObject({ type: 'ok', value: 2 });
    expect(replicas.get('z-n1')?.cell('x')).toBeUndefined();
  });
});

describe('reads', () => {
  it('ask one more replica after speculativeRetry when the closest are slow', () => {
    const latency = (retry: boolean) => {
      const yaml = retry
        ? ONE_REGION.replace('write: QUORUM', 'write: QUORUM\n  speculativeRetry: 20ms')
        : ONE_REGION;
      const { sim } = leaderlessSimulation(topology(yaml), 3, noAntiEntropy);
      const client = sim.client('a', { node: 'a-n1' });
      let took = NaN;
      sim.at(100, () => client.invoke({ f: 'write', key: 'x', value: 1 }));
      // a-n1 reads itself and the closest other replica, a-n2 (ties go by id), now slow.
      sim.at(500, () => sim.network.addLatency(['a-n1'], ['a-n2'], { kind: 'constant', ms: 400 }));
      sim.at(1000, () => client.invoke({ f: 'read', key: 'x' }, {}, () => (took = sim.now - 1000)));
      sim.runUntil(3000);
      return took;
    };
    expect(latency(false)).toBeGreaterThan(400);
    expect(latency(true)).toBeLessThan(40);
  });

  it('refuse levels they do not offer, with a definite fail', () => {
    const { sim } = leaderlessSimulation(topology(ONE_REGION), 4);
    const client = sim.client('a', { node: 'a-n1' });
    const got: ClientResult[] = [];
    const ops = [
      () => client.invoke({ f: 'read', key: 'x' }, { level: 'ANY' }, (r) => got.push(r)),
      () => client.invoke({ f: 'read', key: 'x' }, { level: 'SERIAL' }, (r) => got.push(r)),
      () => client.invoke({ f: 'cas', key: 'x', value: [null, 1] }, {}, (r) => got.push(r)),
      () => client.invoke({ f: 'append', key: 'x', value: 1 }, {}, (r) => got.push(r)),
      () =>
        client.invoke({ f: 'write', key: 'x', value: 1 }, { level: 'MAJORITY' }, (r) =>
          got.push(r),
        ),
    ];
    ops.forEach((op, i) => sim.at(100 * (i + 1), op));
    sim.runUntil(1000);
    expect(got.map((r) => (r.type === 'fail' ? r.error : r.type))).toEqual(
      Array(ops.length).fill('unsupported'),
    );
  });
});

describe('siblings', () => {
  it('run leaderless-quorum.yaml, forwarding writes to a replica to mint them, and return concurrent values together', () => {
    const loaded = loadTopologyFile(join(__dirname, '../../../topologies/leaderless-quorum.yaml'));
    if (!loaded.ok) throw new Error('leaderless-quorum.yaml');
    const t = loaded.topology;
    const forwards: string[] = [];
    const { sim } = leaderlessSimulation(t, 5);
    const { sim: again } = leaderlessSimulation(t, 5);
    for (const s of [sim, again]) driveWorkload(s, t, s.random('workload'), { durationMs: 10_000 });
    sim.runUntil(13_000);
    again.runUntil(13_000);
    expect(again.historyHash()).toBe(sim.historyHash());
    const done = sim.history.filter((h) => h.type !== 'invoke');
    expect(done.filter((h) => h.type !== 'ok')).toEqual([]);
    // Blind writes from different clients to one key are concurrent: reads see them together.
    expect(done.some((h) => h.f === 'read' && Array.isArray(h.value))).toBe(true);
    void forwards;
  });
});

describe('serial (Paxos) compare-and-set', () => {
  // Contention and faults: serial-soak.test.ts. Here, the contrast with quorum reads.

  /** A cas commits on a and b; c gets the commit 300 ms late; then a client at c reads. */
  function readAfterCas(level: string) {
    const { sim } = leaderlessSimulation(topology(SERIAL), 1);
    const writer = sim.client('a', { node: 'a-n1' });
    const reader = sim.client('c', { node: 'c-n1' });
    const got: Record<string, ClientResult> = {};
    sim.at(100, () => sim.network.addLatency(['a-n1'], ['c-n1'], { kind: 'constant', ms: 300 }));
    sim.at(200, () =>
      writer.invoke({ f: 'cas', key: 'x', value: [null, 1] }, {}, (r) => {
        got.cas = r;
        sim.at(sim.now + 1, () =>
          reader.invoke({ f: 'read', key: 'x' }, { level }, (read) => (got.read = read)),
        );
      }),
    );
    sim.runUntil(2000);
    return { got, verdict: checkHistoryText(sim.historyJsonl(), { format: 'jsonl' }).verdict };
  }

  it('makes a read at SERIAL see a completed cas, where a read at ONE may not: one flag away', () => {
    const serial = readAfterCas('SERIAL');
    expect(serial.got.cas).toMatchObject({ type: 'ok' });
    expect(serial.got.read).toMatchObject({ type: 'ok', value: 1 });
    expect(serial.verdict).toBe('linearizable');
    const one = readAfterCas('ONE');
    expect(one.got.read).toMatchObject({ type: 'ok', value: null });
    expect(one.verdict).toBe('not-linearizable');
  });

  it('answers a cas that finds another value with a definite cas-mismatch, and LOCAL_SERIAL stays in the region', () => {
    const { sim } = leaderlessSimulation(topology(SERIAL), 2);
    const client = sim.client('a', { node: 'a-n1' });
    const got: ClientResult[] = [];
    sim.at(100, () =>
      client.invoke({ f: 'cas', key: 'x', value: [null, 1] }, {}, (r) => {
        got.push(r);
        client.invoke({ f: 'cas', key: 'x', value: [5, 6] }, {}, (r2) => {
          got.push(r2);
          const started = sim.now;
          client.invoke({ f: 'cas', key: 'x', value: [1, 2] }, { level: 'LOCAL_SERIAL' }, (r3) =>
            got.push({ ...r3, value: sim.now - started } as ClientResult),
          );
        });
      }),
    );
    sim.runUntil(2000);
    expect(got[0]).toMatchObject({ type: 'ok' });
    expect(got[1]).toMatchObject({ type: 'fail', error: 'cas-mismatch' });
    // One replica in region a: its own majority, three local round trips, no WAN.
    expect(got[2]).toMatchObject({ type: 'ok' });
    expect((got[2] as { value: number }).value).toBeLessThan(10);
  });
});

describe('geolab sim', () => {
  it('runs both example topologies, deterministically', () => {
    for (const file of ['leaderless-quorum.yaml', 'two-dc-cassandra.yaml']) {
      const loaded = loadTopologyFile(join(__dirname, '../../../topologies', file));
      if (!loaded.ok) throw new Error(file);
      const a = simulate(loaded.topology, { seed: 9, durationMs: 5000 });
      const b = simulate(loaded.topology, { seed: 9, durationMs: 5000 });
      expect(a.summary.historyHash).toBe(b.summary.historyHash);
      expect(a.summary.ops.ok).toBeGreaterThan(100);
      expect(a.summary.ops.fail + a.summary.ops.info).toBe(0);
    }
  });
});
