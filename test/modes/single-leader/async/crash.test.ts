import { checkLeadership } from '../../../../src/checker/leadership';
import { findLostWrites } from '../../../../src/checker/staleness/lost-writes';
import { driveWorkload } from '../../../../src/runtime/sim';
import { expectConverged, readAll, roles, simulation, topology } from './support';

// Process faults: a primary that crashes is replaced by the most up-to-date backup; one that
// comes back returns as a backup; a backup that comes back catches up, by log or snapshot.
const KEYS = ['k0', 'k1', 'k2', 'k3'];
const APPENDS = { concurrency: 1, mix: { read: 0.3, append: 0.7 } };

describe('async under crashes', () => {
  it('fails over when the primary crashes, and takes it back as a backup', () => {
    const t = topology();
    const { sim, events } = simulation(t, 1);
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 8000, workload: APPENDS });
    sim.at(2000, () => sim.crash('a1'));
    sim.at(5000, () => sim.restart('a1'));
    sim.runUntil(10_000);
    // a2, a1's neighbour, is at least as up to date as the far backups and wins ties by id.
    expect(roles(events)).toEqual([
      'a1:primary:1',
      'a2:backup:1',
      'w1:backup:1',
      'e1:backup:1',
      'a2:primary:2',
      'a1:backup:1',
    ]);
    const promoted = events.find(
      (e) => e.node === 'a2' && e.event.kind === 'role' && e.event.role === 'primary',
    );
    // 1 s without heartbeats (the last came up to 100 ms before the crash), then a 0.5 s window.
    expect(promoted?.at).toBeGreaterThan(2000 + 1000 + 500 - 100);
    expect(promoted?.at).toBeLessThan(2000 + 1000 + 500 + 50);
    // With the crash marked, one primary at a time.
    expect(checkLeadership(events, { stops: [{ node: 'a1', at: 2000 }] }).verdict).toBe('ok');
    const rejoined = events.filter(
      (e) => e.node === 'a1' && e.at >= 5000 && e.event.kind === 'leader',
    );
    expect(rejoined.map((e) => e.event)).toContainEqual({ kind: 'leader', leader: 'a2', term: 2 });
    const after = sim.history.filter((h) => h.type === 'ok' && h.f === 'append' && h.time > 4000);
    expect(after.length).toBeGreaterThan(500);
    expectConverged(sim, t, KEYS);
  });

  it('loses no acknowledged write when the primary restarts before anyone takes over', () => {
    const t = topology();
    const { sim, events } = simulation(t, 2);
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 6000, workload: APPENDS });
    sim.at(2000, () => sim.crash('a1'));
    sim.at(2300, () => sim.restart('a1'));
    sim.runUntil(8000);
    readAll(sim, sim.client('eu-west-1'), KEYS);
    sim.runUntil(9000);
    // It returns as a backup; nobody hears a primary; it is the most up to date (its log has
    // every write it acknowledged, all synced), so it is the one that promotes.
    expect(roles(events).slice(4)).toEqual(['a1:backup:1', 'a1:primary:5']);
    const lost = findLostWrites(sim.history);
    expect(lost.acknowledged).toBeGreaterThan(500);
    expect(lost.verdict).toBe('ok');
    expectConverged(sim, t, KEYS);
  });

  it('lets a restarted backup catch up from the log', () => {
    const t = topology({ fencing: true });
    const { sim, events } = simulation(t, 3);
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 6000, workload: APPENDS });
    sim.at(1000, () => sim.crash('w1'));
    sim.at(1500, () => sim.crash('e1'));
    sim.at(3000, () => sim.restart('w1'));
    sim.at(4000, () => sim.restart('e1'));
    sim.runUntil(8000);
    expect(checkLeadership(events).terms).toHaveLength(1);
    expectConverged(sim, t, KEYS);
  });

  it('ships a snapshot to a backup that fell behind the primary’s compaction', () => {
    const t = topology();
    const { sim, events } = simulation(t, 4, { snapshotEvery: 50, maxBatchEntries: 20 });
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 6000, workload: APPENDS });
    sim.at(1000, () => sim.crash('e1'));
    sim.at(4000, () => sim.restart('e1'));
    sim.at(4500, () => sim.crash('a2'));
    sim.at(4600, () => sim.restart('a2'));
    sim.runUntil(8000);
    // e1 missed hundreds of entries the primary had compacted: it got the state in one piece.
    const installs = events.filter(
      (e) =>
        e.node === 'e1' &&
        e.event.kind === 'metric' &&
        e.event.name === 'async_snapshots_installed_total',
    );
    expect(installs.length).toBeGreaterThan(0);
    expectConverged(sim, t, KEYS);
  });
});
