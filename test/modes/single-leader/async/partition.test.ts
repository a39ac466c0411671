import {
  checkLeadership,
  formatLeadership,
  type TimedEvent,
} from '../../../../src/checker/leadership';
import { findLostWrites } from '../../../../src/checker/staleness/lost-writes';
import { driveWorkload } from '../../../../src/runtime/sim';
import type { Topology } from '../../../../src/topology';
import { expectConverged, readAll, simulation, topology } from './support';

// The scenario: the primary's region is cut off for longer than the failover
// timeout while clients in every region append. The far side promotes a primary of its own;
// the old one never hears of it and keeps acknowledging its region's writes; on healing it
// steps down and truncates them away.
//
// "A split-brain write landed" is defined as the leadership checker's `landed`: a replica
// applied (a `commit` event) updates sent by a primary whose epoch is older than an epoch the
// replica had already accepted (a `leader` event with a newer term). Fencing forbids exactly
// that. It does not forbid a stale primary's own local acknowledgements, nor those of the
// backups still on its side: lost acknowledged writes remain possible with fencing.

const KEYS = ['k0', 'k1', 'k2', 'k3'];
const regions = (t: Topology) => new Map(t.nodes.map((n) => [n.id, n.region]));

function partitionRun(fencing: boolean, protocol: 'async' | 'semi-sync' = 'async', seed = 1) {
  const t = topology({ fencing, protocol });
  const { sim, events } = simulation(t, seed);
  driveWorkload(sim, t, sim.random('workload'), {
    durationMs: 9000,
    workload: { concurrency: 1, mix: { read: 0.3, append: 0.7 } },
  });
  sim.at(2000, () => sim.network.partition(['us-east-1']));
  sim.at(6000, () => sim.heal());
  sim.runUntil(11_000);
  readAll(sim, sim.client('eu-west-1'), KEYS);
  sim.runUntil(13_000);
  const lost = findLostWrites(sim.history);
  const leadership = checkLeadership(events, { history: sim.history, regions: regions(t) });
  return { t, sim, events, lost, leadership };
}

const metric = (events: readonly TimedEvent[], name: string) =>
  events.reduce(
    (n, e) => n + (e.event.kind === 'metric' && e.event.name === name ? e.event.value : 0),
    0,
  );

describe('async under a partition of the primary’s region', () => {
  it('without fencing: lost acknowledged writes, two primaries, split-brain writes', () => {
    const { t, sim, events, lost, leadership } = partitionRun(false);
    expect(lost.verdict).toBe('lost');
    expect(lost.lost.length).toBeGreaterThan(100);
    // The lost writes are the old primary's region's, acknowledged during the split.
    expect(lost.lost.every((l) => l.write.invokedAt >= 1900 && l.write.invokedAt < 6100)).toBe(
      true,
    );

    expect(leadership.concurrent).toHaveLength(1);
    const [split] = leadership.splitBrain;
    expect(split.sides.map((s) => [s.node, s.epoch])).toEqual([
      ['a1', 1],
      ['e1', 4],
    ]);
    expect(split.sides.every((s) => s.writes > 50)).toBe(true);
    // Failover by timeout: 1 s of silence, a 0.5 s window, and the cut-off side's promotion.
    expect(split.overlap.from).toBeGreaterThan(3000);
    expect(split.overlap.from).toBeLessThan(3700);
    // Healing ends it within a round trip or two.
    expect(split.overlap.to).toBeGreaterThan(6000);
    expect(split.overlap.to).toBeLessThan(6300);
    expect(split.examples.map((e) => e.op)).toHaveLength(4);

    // Backups take replication from any primary: after the heal w1 and a2 flap between the
    // two, and take the stale primary's writes over the newer epoch's.
    expect(leadership.verdict).toBe('stale-writes-landed');
    expect(leadership.landed.length).toBeGreaterThan(0);
    expect(leadership.landed[0]).toMatchObject({
      leader: 'a1',
      epoch: 1,
      newer: { leader: 'e1', epoch: 4 },
    });
    expect(metric(events, 'async_stale_epoch_accepted_total')).toBeGreaterThan(0);
    expect(metric(events, 'async_truncated_entries_total')).toBeGreaterThan(lost.lost.length);
    expect(formatLeadership(leadership)).toMatch(
      /^leadership: split brain, and stale-epoch writes landed on replicas: .*\n {2}two primaries \d+ms–\d+ms \(\d+ms\): a1 \(epoch 1\) and e1 \(epoch 4\), both took writes\n {4}a1 \(epoch 1\) applied \d+ update\(s\)/,
    );
    expectConverged(sim, t, KEYS);
  });

  it('with fencing: no split-brain write lands on any replica, though acknowledgements are still lost', () => {
    const { t, sim, events, lost, leadership } = partitionRun(true);
    expect(leadership.landed).toEqual([]);
    // Both primaries still took writes: fencing cannot stop a primary that hears nobody.
    expect(leadership.verdict).toBe('split-brain-writes');
    expect(leadership.splitBrain).toHaveLength(1);
    expect(lost.lost.length).toBeGreaterThan(100);
    expect(metric(events, 'async_fenced_total')).toBeGreaterThan(0);
    expect(metric(events, 'async_stale_epoch_accepted_total')).toBe(0);
    expectConverged(sim, t, KEYS);
  });

  it('semi-sync loses acknowledged writes too: the stale primary’s backup is on its side', () => {
    const { lost, leadership } = partitionRun(true, 'semi-sync', 2);
    expect(lost.lost.length).toBeGreaterThan(50);
    expect(leadership.verdict).toBe('split-brain-writes');
    expect(leadership.landed).toEqual([]);
  });
});

// Kleppmann's example for fencing tokens: the primary stops (a GC pause) for longer than the
// failover timeout, a backup takes over, and the old primary wakes up still believing it
// leads. Before it hears of the new epoch it serves the requests that queued up and streams
// them out.
describe('async when the primary pauses past the failover timeout', () => {
  function pauseRun(fencing: boolean) {
    const t = topology({ fencing });
    const { sim, events } = simulation(t, 1);
    driveWorkload(sim, t, sim.random('workload'), {
      durationMs: 9000,
      workload: { concurrency: 1, mix: { read: 0.3, append: 0.7 } },
    });
    sim.at(2000, () => sim.pause('a1'));
    sim.at(6000, () => sim.resume('a1'));
    sim.runUntil(11_000);
    return { t, sim, events, leadership: checkLeadership(events) };
  }

  it('without fencing, the woken primary’s writes land on the new primary’s backups', () => {
    const { t, sim, leadership } = pauseRun(false);
    expect(leadership.terms.map((x) => [x.node, x.epoch, x.from, x.to])).toEqual([
      ['a1', 1, 0, 6000],
      ['a2', 2, 3501, null],
    ]);
    expect(
      leadership.landed.map((l) => [l.node, l.leader, l.epoch, l.newer.leader, l.newer.epoch]),
    ).toEqual([
      ['w1', 'a1', 1, 'a2', 2],
      ['e1', 'a1', 1, 'a2', 2],
    ]);
    expectConverged(sim, t, KEYS);
  });

  it('with fencing, the replicas refuse them and the woken primary steps down', () => {
    const { t, sim, events, leadership } = pauseRun(true);
    expect(leadership.landed).toEqual([]);
    expect(leadership.terms.map((x) => [x.node, x.epoch, x.to])).toEqual([
      ['a1', 1, 6000],
      ['a2', 2, null],
    ]);
    expect(metric(events, 'async_fenced_total')).toBeGreaterThan(0);
    expectConverged(sim, t, KEYS);
  });
});
