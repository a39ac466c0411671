/**
 * The dashboard's controls and figures on the simulator, in virtual time (the session's
 * wall-clock pacing is left idle and the test advances the simulation itself): a partition of
 * the leader's region is told in plain words, cuts its links, moves leadership to the
 * majority and makes the minority's writes fail; latency shows on the link; heal lifts it.
 */
import { join } from 'node:path';
import { SimSession } from '../../src/dashboard/sim-session';
import type { EventFrame } from '../../src/dashboard/protocol';
import { ControlError } from '../../src/dashboard/session';
import { loadTopologyFile } from '../../src/topology';

function session(): SimSession {
  const loaded = loadTopologyFile(join(__dirname, '..', '..', 'topologies', 'three-regions.yaml'));
  if (!loaded.ok) throw new Error('three-regions.yaml does not load');
  return new SimSession({ topology: loaded.topology, seed: 7, tickMs: 1e9 });
}

describe('SimSession', () => {
  let s: SimSession;
  const events: EventFrame[] = [];

  beforeEach(() => {
    s = session();
    events.length = 0;
    s.onEvent((e) => events.push(e));
  });

  afterEach(() => s.close());

  it('cuts the leader’s region off, elects in the majority, fails the minority, heals', async () => {
    s.sim.runFor(5000);
    const before = s.snapshot();
    const leader = before.nodes.find((n) => n.role === 'leader');
    expect(leader?.region).toBe('us-east-1');
    expect(before.stats.every((r) => r.opsPerSec > 0 && r.p50 !== null)).toBe(true);

    await s.control({ type: 'partition', a: ['us-east-1'], mode: 'blackhole', oneWay: false });
    expect(events.at(-1)?.text).toBe(
      `us-east-1 cut off; raft leader ${leader?.id} loses quorum; the majority (eu-west-1, ap-southeast-1) elects a new leader; us-east-1 writes now fail`,
    );
    s.sim.runFor(8000);
    const cut = s.snapshot();
    const newLeader = cut.nodes.find((n) => n.role === 'leader');
    expect(newLeader?.region).not.toBe('us-east-1');
    expect(
      events.some((e) => e.kind === 'election' && e.text.startsWith(`${newLeader?.id} elected`)),
    ).toBe(true);
    const minority = cut.stats.find((r) => r.region === 'us-east-1');
    expect(minority).toMatchObject({ opsPerSec: 0 });
    expect(minority?.errorsPerSec).toBeGreaterThan(0);
    const links = cut.links.filter((l) => l.from === 'us-east-1' || l.to === 'us-east-1');
    expect(links.filter((l) => l.from !== l.to).every((l) => l.cut && l.measuredMs === null)).toBe(
      true,
    );
    expect(cut.links.find((l) => l.from === 'eu-west-1' && l.to === 'ap-southeast-1')?.cut).toBe(
      false,
    );
    expect(cut.faults).toEqual([
      { id: 1, kind: 'partition', detail: 'us-east-1 cut off', startMs: 5000 },
    ]);

    await s.control({ type: 'heal', fault: 1 });
    s.sim.runFor(8000);
    const healed = s.snapshot();
    expect(healed.faults).toEqual([]);
    expect(healed.links.some((l) => l.cut)).toBe(false);
    expect(healed.stats.find((r) => r.region === 'us-east-1')?.opsPerSec).toBeGreaterThan(0);
    // Every replica reports how many keys it holds (the modes' `keys` gauge).
    expect(healed.nodes.every((n) => (n.keys ?? 0) > 0)).toBe(true);
  });

  it('adds latency to one direction of a link, and shows it measured', async () => {
    await s.control({ type: 'latency', from: 'us-east-1', to: 'eu-west-1', addMs: 200 });
    const link = s.snapshot().links.find((l) => l.from === 'us-east-1' && l.to === 'eu-west-1');
    expect(link).toMatchObject({ addedMs: 200, measuredMs: link ? link.configuredMs + 200 : 0 });
    await s.control({ type: 'latency', from: 'us-east-1', to: 'eu-west-1', addMs: 0 });
    expect(s.snapshot().faults).toEqual([]);
  });

  it('refuses what it cannot do, with a message for the person who clicked', async () => {
    await expect(s.control({ type: 'kill', node: 'nobody' })).rejects.toThrow(ControlError);
    await expect(s.control({ type: 'restart', node: 'us-east-1-n2' })).rejects.toThrow(
      /running: kill it first/,
    );
    await expect(s.control({ type: 'heal', fault: 42 })).rejects.toThrow(/no active fault 42/);
    await expect(
      s.control({ type: 'latency', from: 'us-east-1', to: 'mars-1', addMs: 5 }),
    ).rejects.toThrow(/no region mars-1/);
  });

  it('pauses, steps 100 ms of virtual time, and changes speed', async () => {
    s.sim.runFor(1000);
    await s.control({ type: 'sim', action: 'step', speed: 4 });
    expect(s.sim.now).toBe(1100);
    expect(s.snapshot().sim).toEqual({ paused: true, speed: 4 });
    await s.control({ type: 'sim', action: 'resume' });
    expect(s.snapshot().sim).toEqual({ paused: false, speed: 4 });
  });
});
