import type { ClientResult } from '../../../src/core/messages/client';
import { driveWorkload } from '../../../src/runtime/sim';
import { converged, multiLeaderSimulation, threeRegions, timeToConverge } from './support';

// Leaders, followers, crashes and the log, in the simulator.

describe('multi-leader replicas', () => {
  it('answers a leader’s client at local latency, and a follower’s after one hop to the leader', () => {
    const s = multiLeaderSimulation(threeRegions('yjs'), 1);
    const results: { at: number; r: ClientResult }[] = [];
    const direct = s.sim.client('c', { node: 'c-n1' });
    const viaFollower = s.sim.client('c', { node: 'c-n2' });
    s.sim.at(1000, () =>
      direct.invoke({ f: 'write', key: 'x', value: 1 }, {}, (r) =>
        results.push({ at: s.sim.now - 1000, r }),
      ),
    );
    s.sim.at(2000, () =>
      viaFollower.invoke({ f: 'write', key: 'y', value: 2 }, {}, (r) =>
        results.push({ at: s.sim.now - 2000, r }),
      ),
    );
    s.sim.at(3000, () =>
      viaFollower.invoke({ f: 'read', key: 'y' }, {}, (r) =>
        results.push({ at: s.sim.now - 3000, r }),
      ),
    );
    s.sim.runUntil(4000);
    expect(results.map((x) => x.r.type)).toEqual(['ok', 'ok', 'ok']);
    // 2 ms intra-region RTT: one round trip to the leader, two through the follower.
    expect(results[0].at).toBeLessThanOrEqual(3);
    expect(results[1].at).toBeLessThanOrEqual(5);
    expect(results[2].r).toMatchObject({ value: 2 });
  });

  it('serves `local` reads from a follower’s own state, and refuses cas and unknown levels', () => {
    const s = multiLeaderSimulation(threeRegions('lww'), 2);
    const writer = s.sim.client('a', { node: 'a-n1' });
    const reader = s.sim.client('a', { node: 'a-n2' });
    const got: ClientResult[] = [];
    s.sim.at(1000, () => writer.invoke({ f: 'write', key: 'x', value: 1 }));
    // Read at once from the follower: the batch has not reached it yet.
    s.sim.at(1003, () =>
      reader.invoke({ f: 'read', key: 'x' }, { level: 'local' }, (r) => got.push(r)),
    );
    s.sim.at(1200, () =>
      reader.invoke({ f: 'read', key: 'x' }, { level: 'local' }, (r) => got.push(r)),
    );
    s.sim.at(1300, () =>
      reader.invoke({ f: 'cas', key: 'x', value: [1, 2] }, {}, (r) => got.push(r)),
    );
    s.sim.at(1400, () =>
      reader.invoke({ f: 'read', key: 'x' }, { level: 'QUORUM' }, (r) => got.push(r)),
    );
    s.sim.runUntil(2000);
    expect(got.map((r) => (r.type === 'ok' ? r.value : r.error))).toEqual([
      null,
      1,
      'unsupported',
      'unsupported',
    ]);
  });

  it('keeps a leader’s acknowledged writes across its crash, and replicates them after', () => {
    const s = multiLeaderSimulation(threeRegions('automerge'), 3);
    const client = s.sim.client('a', { node: 'a-n1' });
    let acked = 0;
    const next = (): void => {
      if (s.sim.now >= 1310) return;
      client.invoke({ f: 'increment', key: 'n', value: 1 }, {}, (r) => {
        if (r.type === 'ok') acked++;
        next();
      });
    };
    s.sim.at(1000, next);
    // Batch ticks fall on multiples of 50 ms: the crash at 1320 comes with the increments
    // acknowledged since 1300 journaled but not sealed.
    s.sim.at(1320, () => s.sim.crash('a-n1'));
    s.sim.at(2000, () => s.sim.restart('a-n1'));
    s.sim.runUntil(2000);
    expect(acked).toBeGreaterThan(50);
    expect(timeToConverge(s, 6000)).toBeDefined();
    expect(s.replicas.get('c-n2')?.peek('n')).toBe(acked);
  });

  it('catches up a follower that was down, and a region that was cut off', () => {
    const t = threeRegions('yjs');
    const s = multiLeaderSimulation(t, 4);
    driveWorkload(s.sim, t, s.sim.random('w'), {
      durationMs: 10_000,
      workload: { rate: 30, keys: 20 },
    });
    s.sim.at(2000, () => s.sim.crash('b-n2'));
    s.sim.at(3000, () => s.sim.network.partition(['c'], ['a', 'b'], { mode: 'blackhole' }));
    s.sim.at(6000, () => s.sim.restart('b-n2'));
    s.sim.at(8000, () => s.sim.heal());
    s.sim.runUntil(12_000);
    expect(timeToConverge(s, 15_000)).toBeDefined();
  });

  it('bounds its log by compaction, and restarts from the snapshot with the same state', () => {
    const t = threeRegions('automerge');
    const s = multiLeaderSimulation(t, 5, (c) => ({ ...c, compactEvery: 200 }));
    driveWorkload(s.sim, t, s.sim.random('w'), {
      durationMs: 10_000,
      workload: { rate: 30, keys: 20 },
    });
    s.sim.runUntil(12_000);
    for (const r of s.replicas.values()) expect(r.stats().logEntries).toBeLessThan(400);
    expect(converged(s.replicas)).toBe(true);
    const before = s.replicas.get('b-n1')?.stateHash();
    s.sim.crash('b-n1');
    s.sim.restart('b-n1');
    expect(s.replicas.get('b-n1')?.stateHash()).toBe(before);
  });

  it('bounds its log by bytes too, whatever the entry count', () => {
    // The count alone (50,000 entries) let a 30-minute lww soak's replicas grow to 366 MB.
    const run = (compactBytes: number) => {
      const t = threeRegions('lww');
      const s = multiLeaderSimulation(t, 6, (c) => ({ ...c, compactBytes }));
      driveWorkload(s.sim, t, s.sim.random('w'), {
        durationMs: 10_000,
        workload: { rate: 50, keys: 500 },
      });
      s.sim.runUntil(12_000);
      expect(converged(s.replicas)).toBe(true);
      return Math.max(...[...s.replicas.values()].map((r) => r.stats().logEntries));
    };
    const unbounded = run(Infinity);
    const bounded = run(16 * 1024);
    expect(unbounded).toBeGreaterThan(800);
    expect(bounded).toBeLessThan(unbounded / 4);
  });

  it('counts what earlier lives appended toward the next compaction', () => {
    // The soak's nemesis killed the lww leader every minute or two: each life appended less
    // than the bound, the count restarted at zero, and the journal grew to 26 MB.
    const t = threeRegions('lww');
    const s = multiLeaderSimulation(t, 7, (c) => ({ ...c, compactBytes: 16 * 1024 }));
    driveWorkload(s.sim, t, s.sim.random('w'), {
      durationMs: 10_000,
      workload: { rate: 50, keys: 500 },
    });
    let lives = 0;
    for (let at = 500; at < 10_000; at += 500) {
      s.sim.at(at, () => s.sim.crash('a-n1'));
      s.sim.at(at + 50, () => {
        s.sim.restart('a-n1');
        lives++;
      });
    }
    s.sim.runUntil(12_000);
    expect(lives).toBe(19);
    expect(converged(s.replicas)).toBe(true);
    // 996 entries when each life counted from zero. A leader just restarted does not yet know
    // what its peers applied, so it keeps more than one that lives on (75, above).
    expect(s.replicas.get('a-n1')?.stats().logEntries).toBeLessThan(500);
  });
});
