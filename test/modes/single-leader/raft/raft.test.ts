import { join } from 'node:path';
import type { ClientResult } from '../../../../src/core/messages/client';
import { driveWorkload } from '../../../../src/runtime/sim';
import { loadTopologyFile } from '../../../../src/topology';
import { leaders, raftSimulation, topology, verdict } from './support';

// Raft in the simulator: each feature under the fault that tests it. The soak
// (test/runtime/sim/raft-soak.test.ts) and the scripted protocol tests (./interaction) cover the rest.

/** Three nearby regions, one voter each, so that timings in the lease story are easy to follow. */
const NEAR = `
regions:
  - { name: a, replicas: 1 }
  - { name: b, replicas: 1 }
  - { name: c, replicas: 1 }
latency:
  intraRegionRtt: 1ms
  links:
    - { between: [a, b], rtt: 20ms }
    - { between: [a, c], rtt: 20ms }
    - { between: [b, c], rtt: 20ms }
replication:
  mode: single-leader
  protocol: raft
  leaderRegion: a
  reads: lease
clients: { perRegion: 1, timeout: 2s }
`;

describe('raft in the simulator', () => {
  it('elects a leader in leaderRegion and keeps it there after a failover', () => {
    const loaded = loadTopologyFile(join(__dirname, '../../../../topologies/raft.yaml'));
    if (!loaded.ok) throw new Error('raft.yaml');
    const t = loaded.topology;
    const { sim, replicas } = raftSimulation(t, 3);
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 30_000 });
    sim.runUntil(8000);
    const first = leaders(replicas);
    expect(first).toHaveLength(1);
    expect(t.nodes.find((n) => n.id === first[0])?.region).toBe('eu-west-1');
    // Crash both eu-west-1 voters: someone elsewhere must lead; when they return, leadership
    // moves back to eu-west-1 by transfer.
    const euWest = t.nodes.filter((n) => n.region === 'eu-west-1').map((n) => n.id);
    sim.at(8000, () => euWest.forEach((id) => sim.crash(id)));
    sim.runUntil(14_000);
    const during = leaders(replicas).filter((id) => !euWest.includes(id));
    expect(during).toHaveLength(1);
    expect(t.nodes.find((n) => n.id === during[0])?.region).toBe('eu-central-1');
    sim.at(14_000, () => euWest.forEach((id) => sim.restart(id)));
    sim.runUntil(34_000);
    const after = leaders(replicas).filter((id) => sim.stateOf(id) === 'up');
    const live = after.filter((id) => replicas.get(id)?.status().term === maxTerm(replicas));
    expect(t.nodes.find((n) => n.id === live[0])?.region).toBe('eu-west-1');
    expect(verdict(sim)).toBe('linearizable');
  });

  it('never lets a learner vote or lead, and keeps it up to date', () => {
    const loaded = loadTopologyFile(join(__dirname, '../../../../topologies/raft.yaml'));
    if (!loaded.ok) throw new Error('raft.yaml');
    const t = loaded.topology;
    const learner = t.nodes.find((n) => n.region === 'sa-east-1')?.id ?? '';
    const { sim, replicas } = raftSimulation(t, 4);
    const roles = new Set<string>();
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 10_000 });
    sim.at(2000, () => sim.crash(leaders(replicas)[0]));
    for (let at = 0; at < 12_000; at += 50) {
      sim.at(at, () => roles.add(replicas.get(learner)?.status().role ?? ''));
    }
    sim.runUntil(14_000);
    expect([...roles]).toEqual(['learner']);
    const statuses = [...replicas].map(([id, r]) => ({ id, ...r.status() }));
    const leaderStatus = statuses.find((s) => s.role === 'leader');
    const learnerStatus = statuses.find((s) => s.id === learner);
    expect(learnerStatus?.vote).toBeNull();
    expect(learnerStatus?.commit).toBe(leaderStatus?.commit);
  });

  it('serves stale follower reads only when asked for them', () => {
    const t = topology(NEAR);
    const { sim, replicas } = raftSimulation(t, 5);
    sim.runUntil(3000);
    const leader = leaders(replicas)[0];
    const follower = t.nodes.find((n) => n.id !== leader)?.id ?? '';
    const writer = sim.client(t.nodes.find((n) => n.id === leader)?.region ?? '', {
      node: leader,
    });
    const reader = sim.client(t.nodes.find((n) => n.id === follower)?.region ?? '', {
      node: follower,
    });
    const got: Record<string, unknown> = {};
    sim.at(3000, () => writer.invoke({ f: 'write', key: 'x', value: 1 }, {}));
    sim.at(3500, () => sim.network.partition([follower], [leader], { oneWay: true }));
    sim.at(3600, () => writer.invoke({ f: 'write', key: 'x', value: 2 }, {}));
    sim.at(3800, () =>
      reader.invoke({ f: 'read', key: 'x' }, { level: 'follower' }, (r) => (got.follower = r)),
    );
    const reader2 = sim.client(t.nodes.find((n) => n.id === follower)?.region ?? '', {
      node: follower,
    });
    sim.at(4000, () => sim.heal());
    sim.at(4000, () =>
      reader2.invoke({ f: 'read', key: 'x' }, { level: 'read-index' }, (r) => (got.linear = r)),
    );
    sim.runUntil(6000);
    // The follower missed x=2 (the leader's messages to it are cut); its local read says 1.
    expect(got.follower).toMatchObject({ type: 'ok', value: 1 });
    // Once the link is back, a linearizable read from the same replica goes to the leader.
    expect(got.linear).toMatchObject({ type: 'ok', value: 2 });
  });

  it('returns stale lease reads when other clocks run fast, and none when they keep time', () => {
    // The old leader a keeps serving reads from its lease after b and c, whose clocks run four
    // times fast, time out, elect b and commit a new value, all within a's 900 ms lease
    // (Raft thesis §6.4.1: leases assume bounded clock drift).
    const story = (drift: number) => {
      const t = topology(NEAR);
      const { sim, replicas } = raftSimulation(t, 6);
      sim.runUntil(3000);
      expect(leaders(replicas)).toEqual(['a-n1']);
      const inA = sim.client('a', { node: 'a-n1' });
      // Short time-outs: b's first tries go to a, cut off; one lands once b leads.
      const inB = () => sim.client('b', { node: 'b-n1', timeoutMs: 100 });
      const reads: ClientResult[] = [];
      sim.at(3000, () => inA.invoke({ f: 'write', key: 'x', value: 1 }, {}));
      sim.at(3500, () => {
        sim.driftClock('b-n1', drift);
        sim.driftClock('c-n1', drift);
        sim.network.partition(['a-n1'], ['b-n1', 'c-n1']);
      });
      // b must have taken over and written before a reads: retry the write until it lands.
      const write = () =>
        inB().invoke({ f: 'write', key: 'x', value: 2 }, {}, (r) => {
          if (r.type !== 'ok' && sim.now < 4200) sim.at(sim.now + 20, write);
        });
      sim.at(3520, write);
      for (let at = 3600; at <= 4400; at += 25) {
        const reader = sim.client('a', { node: 'a-n1' });
        sim.at(at, () =>
          reader.invoke({ f: 'read', key: 'x' }, { level: 'lease' }, (r) => reads.push(r)),
        );
      }
      sim.runUntil(8000);
      return { sim, reads };
    };
    const fast = story(3);
    expect(fast.reads.some((r) => r.type === 'ok' && r.value === 1)).toBe(true);
    expect(verdict(fast.sim)).toBe('not-linearizable');
    const steady = story(0);
    expect(verdict(steady.sim)).toBe('linearizable');
  });

  it('bounds the log with snapshots and catches a lagging follower up with one', () => {
    const t = topology(NEAR);
    const { sim, replicas, storage } = raftSimulation(t, 7, (c) => ({ ...c, snapshotEvery: 50 }));
    const { lag, lead } = lagOneFollower(sim, replicas, t, 5);
    expect(lead?.snapshotIndex).toBeGreaterThan(500);
    expect(lag?.snapshotIndex).toBeGreaterThan(0);
    expect(lag?.commit).toBe(lead?.commit);
    for (const s of storage.values()) {
      expect(s.lastIndex() - s.firstIndex() + 1).toBeLessThanOrEqual(150);
    }
    expect(verdict(sim)).toBe('linearizable');
  });

  it('sends a snapshot larger than a frame in parts, and the follower installs it whole', () => {
    // Before parts, a snapshot had to fit one frame (1 MiB live): a long soak's state did not.
    const t = topology(NEAR);
    let snapshotMessages = 0;
    const { sim, replicas } = raftSimulation(
      t,
      7,
      (c) => ({ ...c, snapshotEvery: 50, snapshotPartBytes: 64 }),
      (m) => {
        if (m.type === 'raft.snapshot') snapshotMessages++;
      },
    );
    const { lag, lead } = lagOneFollower(sim, replicas, t, 20);
    expect(lag?.snapshotIndex).toBeGreaterThan(0);
    expect(lag?.commit).toBe(lead?.commit);
    expect(snapshotMessages).toBeGreaterThan(10);
    expect(verdict(sim)).toBe('linearizable');
  });

  it('loses no acknowledged append across leader crashes', () => {
    const t = topology(NEAR);
    const { sim, replicas } = raftSimulation(t, 8);
    const client = sim.client('b');
    const acknowledged: number[] = [];
    let n = 0;
    const next = () => {
      if (sim.now > 15_000) return;
      const value = ++n;
      client.invoke({ f: 'append', key: 'log', value }, {}, (r) => {
        if (r.type === 'ok') acknowledged.push(value);
        next();
      });
    };
    sim.at(1500, next);
    for (const at of [4000, 8000, 12_000]) {
      sim.at(at, () => {
        const l = leaders(replicas).find((id) => sim.stateOf(id) === 'up');
        if (l) sim.crash(l);
        sim.at(at + 1500, () => l && sim.restart(l));
      });
    }
    sim.runUntil(20_000);
    let list: unknown;
    sim.at(sim.now, () =>
      client.invoke({ f: 'read', key: 'log' }, {}, (r) => (list = r.type === 'ok' ? r.value : r)),
    );
    sim.runFor(2000);
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(list).toEqual(expect.arrayContaining(acknowledged));
  });

  it('applies a retried write once', () => {
    const t = topology(NEAR);
    const { sim, replicas } = raftSimulation(t, 9);
    sim.runUntil(3000);
    const leader = leaders(replicas)[0];
    const follower = t.nodes.find((n) => n.id !== leader)?.id ?? '';
    const region = t.nodes.find((n) => n.id === follower)?.region ?? '';
    const client = sim.client(region, { node: follower, timeoutMs: 300 });
    const results: ClientResult[] = [];
    // The forward's answer is held past the client's timeout; the retry reaches the leader as
    // a duplicate, which must not apply again.
    sim.at(3000, () => sim.network.partition([leader], [follower], { mode: 'hold', oneWay: true }));
    sim.at(3001, () =>
      client.invoke({ f: 'increment', key: 'n', value: 1 }, { retries: 2 }, (r) => results.push(r)),
    );
    sim.at(3400, () => sim.heal());
    sim.runUntil(6000);
    let n: unknown;
    sim.at(sim.now, () =>
      client.invoke({ f: 'read', key: 'n' }, {}, (r) => (n = r.type === 'ok' ? r.value : r)),
    );
    sim.runFor(1000);
    expect(results).toHaveLength(1);
    expect(n).toBe(1);
  });
});

/**
 * c-n1 cut off from 1 s to 10 s of 20 s of a write-heavy load on `keys` keys, then 4 s to
 * catch up: long enough behind that only a snapshot can bring it back.
 */
function lagOneFollower(
  sim: ReturnType<typeof raftSimulation>['sim'],
  replicas: ReturnType<typeof raftSimulation>['replicas'],
  t: ReturnType<typeof topology>,
  keys: number,
) {
  sim.at(1000, () => sim.network.partition(['c-n1'], ['a-n1', 'b-n1']));
  driveWorkload(sim, t, sim.random('workload'), {
    durationMs: 20_000,
    workload: { mix: { read: 0.2, write: 0.8 }, keys },
  });
  sim.at(10_000, () => sim.heal());
  sim.runUntil(24_000);
  const lag = replicas.get('c-n1')?.status();
  const lead = [...replicas.values()].find((r) => r.status().role === 'leader')?.status();
  return { lag, lead };
}

function maxTerm(replicas: Map<string, { status(): { term: number } }>): number {
  return Math.max(...[...replicas.values()].map((r) => r.status().term));
}
