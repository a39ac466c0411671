import { join } from 'node:path';
import { loadScenarioFile, parseScenario } from '../../src/faults/load-scenario';
import { playScenario } from '../../src/faults/play';
import { UnsupportedFault } from '../../src/faults/target';
import type { Scenario } from '../../src/faults/types';
import { replicaMaker } from '../../src/runtime/modes';
import { Simulation, driveWorkload } from '../../src/runtime/sim';
import { RoleBook, SimFaultTarget } from '../../src/runtime/sim/sim-target';
import { loadTopologyFile, type Topology } from '../../src/topology';

// The scenario engine against the simulator: the same steps a live run plays through the fabric.
const ROOT = join(__dirname, '..', '..');

function threeRegions(): Topology {
  const r = loadTopologyFile(join(ROOT, 'topologies', 'three-regions.yaml'));
  if (!r.ok) throw new Error('three-regions.yaml');
  return r.topology;
}

function scenario(name: string, t: Topology): Scenario {
  const r = loadScenarioFile(join(ROOT, 'toxics', `${name}.yaml`), t);
  if (!r.ok) throw new Error(name);
  return r.scenario;
}

function run(
  s: Scenario,
  t: Topology,
  untilMs: number,
  own = true,
  adapt: (target: SimFaultTarget) => void = () => undefined,
) {
  const roles = new RoleBook();
  const leaders: string[] = [];
  const sim = new Simulation({
    topology: t,
    seed: 1,
    replica: replicaMaker(t),
    onEvent: (node, _at, ev) => {
      if (ev.kind !== 'role') return;
      roles.observe(node, ev.role, ev.term ?? 0);
      if (ev.role === 'leader') leaders.push(node);
    },
  });
  const target = new SimFaultTarget(sim, t, roles);
  adapt(target);
  const warnings: string[] = [];
  driveWorkload(sim, t, sim.random('workload'), { durationMs: untilMs - 2000 });
  const windows = playScenario(s, target, sim, {
    rng: own ? sim.random('nemesis') : undefined,
    warn: (m) => warnings.push(m),
  });
  sim.runUntil(untilMs);
  const nemesis = sim.history.filter((h) => h.process === 'nemesis').map((h) => [h.time, h.f]);
  return { sim, windows, warnings, nemesis, leaders };
}

describe('playing scenarios in the simulator', () => {
  it('cuts one region off and heals it, recording both in the history', () => {
    const t = threeRegions();
    const { windows, nemesis, sim } = run(scenario('partition-one-region', t), t, 35_000);
    expect(nemesis).toEqual([
      [10_000, 'start-partition'],
      [30_000, 'heal'],
    ]);
    expect(windows).toEqual([
      {
        name: 'cut',
        kind: 'partition',
        detail: 'blackhole us-east-1 / the rest',
        startMs: 10_000,
        endMs: 30_000,
      },
    ]);
    // During the cut, us-east-1's clients get no answers and the others carry on.
    const during = sim.history.filter((h) => h.time > 13_000 && h.time < 30_000 && h.type === 'ok');
    const regions = new Set(during.map((h) => h.region));
    expect(regions).toEqual(new Set(['eu-west-1', 'ap-southeast-1']));
  });

  it('kills whoever leads when the step runs, and restarts it', () => {
    const t = threeRegions();
    const { windows, leaders } = run(scenario('leader-crash', t), t, 25_000);
    const killed = windows[0].detail.replace('kill ', '');
    expect(leaders.filter((l) => l === killed).length).toBeGreaterThan(0);
    expect(windows[0]).toMatchObject({ kind: 'kill', startMs: 10_000, endMs: 20_000 });
  });

  it('flaps a link eight times', () => {
    const t = threeRegions();
    const { windows } = run(scenario('flapping-link', t), t, 50_000);
    expect(windows.map((w) => [w.startMs, w.endMs])).toEqual(
      Array.from({ length: 8 }, (_, i) => [5000 + i * 5000, 7000 + i * 5000]),
    );
  });

  it('leaves a strobed clock where it found it', () => {
    const t = threeRegions();
    const s = scenario('clock-skew', t);
    const { sim, windows } = run(s, t, 30_000);
    expect(windows.map((w) => w.kind)).toEqual(['clock', 'clock']);
    for (const n of t.nodes) expect(Math.abs(sim.clockOf(n.id) - sim.now)).toBeLessThan(1e-6);
  });

  it('plays the random nemesis reproducibly from its seed', () => {
    const t = threeRegions();
    const s = scenario('random-nemesis', t);
    const a = run(s, t, 60_000);
    const b = run(s, t, 60_000);
    expect(a.windows.length).toBeGreaterThan(10);
    expect(a.windows).toEqual(b.windows);
    expect(a.sim.historyHash()).toBe(b.sim.historyHash());
  });

  it('plays the nemesis from its own seed when the caller gives no stream (live runs)', () => {
    // Regression: `geolab run --scenario toxics/random-nemesis.yaml` played no fault at all,
    // because the live runner passed no stream and the nemesis needed one.
    const t = threeRegions();
    const s = scenario('random-nemesis', t);
    const a = run(s, t, 60_000, false);
    expect(a.windows.length).toBeGreaterThan(10);
    expect(a.windows.map((w) => w.startMs)).toEqual(
      run(s, t, 60_000, false).windows.map((w) => w.startMs),
    );
  });

  it('skips a nemesis fault the target cannot play, with one warning, and plays on', () => {
    // Regression: a live clock drift threw from a timer and killed the orchestrator.
    const t = threeRegions();
    const parsed = parseScenario(
      'name: x\nnemesis:\n  seed: 2\n  from: 1s\n  until: 20s\n  faults: [clock-drift, pause]\n  faultFor: [1s, 2s]\n  gap: [100ms, 200ms]\n',
      'x.yaml',
      t,
    );
    if (!parsed.ok) throw new Error('parse');
    const { warnings, windows } = run(parsed.scenario, t, 22_000, true, (target) => {
      target.driftClock = () => {
        throw new UnsupportedFault('clock drift is not supported here');
      };
    });
    expect(windows.map((w) => w.kind)).toContain('clock-drift');
    expect(windows.map((w) => w.kind)).toContain('pause');
    expect(warnings).toEqual(['nemesis: clock drift is not supported here; skipped']);
  });

  it('skips a leader step when nothing leads, with a warning', () => {
    const t = threeRegions();
    const parsed = parseScenario('name: x\nsteps:\n  - at: 1ms\n    kill: leader\n', 'x.yaml', t);
    if (!parsed.ok) throw new Error('parse');
    const { warnings, windows } = run(parsed.scenario, t, 3000);
    expect(windows).toEqual([]);
    expect(warnings).toEqual(['kill@3 (line 3): no leader to target; skipped']);
  });
});
