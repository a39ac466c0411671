import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario } from '../../src/faults/load-scenario';
import { formatIssue, loadTopologyFile, type Topology } from '../../src/topology';

const ROOT = join(__dirname, '..', '..');

function threeRegions(): Topology {
  const r = loadTopologyFile(join(ROOT, 'topologies', 'three-regions.yaml'));
  if (!r.ok) throw new Error('three-regions.yaml');
  return r.topology;
}

function errors(text: string): string[] {
  const r = parseScenario(text, 'bad.yaml', threeRegions());
  return r.ok ? [] : r.issues.map(formatIssue);
}

describe('scenario files', () => {
  const files = readdirSync(join(ROOT, 'toxics')).filter((f) => f.endsWith('.yaml'));

  it('ships the seven scenarios the docs name', () => {
    expect(files.sort()).toEqual([
      'clock-skew.yaml',
      'flapping-link.yaml',
      'latency-spike.yaml',
      'leader-crash.yaml',
      'partition-one-region.yaml',
      'random-nemesis.yaml',
      'split-brain-bridge.yaml',
    ]);
  });

  it.each(files)('%s loads against three-regions.yaml', (file) => {
    const r = loadScenarioFile(join(ROOT, 'toxics', file), threeRegions());
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.scenario.name).toBe(file.replace(/\.yaml$/, ''));
  });

  it('resolves times, groups and undo', () => {
    const r = loadScenarioFile(join(ROOT, 'toxics', 'partition-one-region.yaml'), threeRegions());
    if (!r.ok) throw new Error('load');
    expect(r.scenario.steps).toEqual([
      {
        name: 'cut',
        atMs: 10_000,
        action: {
          kind: 'partition',
          a: { names: ['us-east-1'] },
          mode: 'blackhole',
          oneWay: false,
        },
        line: 8,
      },
      { name: 'heal@13', atMs: 30_000, action: { kind: 'heal', step: 'cut' }, line: 13 },
    ]);
  });

  it('unrolls repeats, naming each round', () => {
    const r = loadScenarioFile(join(ROOT, 'toxics', 'flapping-link.yaml'), threeRegions());
    if (!r.ok) throw new Error('load');
    expect(r.scenario.steps.map((s) => [s.name, s.atMs, s.forMs])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`flap#${i + 1}`, 5000 + i * 5000, 2000]),
    );
  });

  it.each([
    [
      'a typo in a key',
      'name: x\nsteps:\n  - at: 1s\n    partiton: { isolate: us-east-1 }\n',
      'bad.yaml:4:5: unknown key "partiton" in steps[0] (did you mean "partition"?)',
    ],
    [
      'an unknown region',
      'name: x\nsteps:\n  - at: 1s\n    partition: { isolate: ap-southeast }\n',
      'bad.yaml:4:27: unknown region or node "ap-southeast" (did you mean "ap-southeast-1"?)',
    ],
    [
      'an unknown node in a list',
      'name: x\nsteps:\n  - at: 1s\n    kill: [us-east-1-n1, us-east-1-n9]\n',
      'bad.yaml:4:26: unknown region or node "us-east-1-n9" (did you mean "us-east-1-n1"?)',
    ],
    [
      'two faults in one step',
      'name: x\nsteps:\n  - at: 1s\n    kill: leader\n    pause: leader\n',
      'bad.yaml:5:5: one fault per step: this step has kill and pause (split it into 2 steps with the same "at")',
    ],
    [
      'a step without a time',
      'name: x\nsteps:\n  - kill: leader\n',
      'bad.yaml:3:5: steps[0] is missing "at" (when it starts, from the start of the run: 10s)',
    ],
    [
      'a duration without a unit',
      'name: x\nsteps:\n  - at: 10\n    kill: leader\n',
      'bad.yaml:3:9: steps[0].at is not a duration: 10 (a number with a unit: 10ms)',
    ],
    [
      'a duration in words',
      'name: x\nsteps:\n  - at: 10 seconds\n    kill: leader\n',
      'bad.yaml:3:9: steps[0].at is not a duration: "10 seconds" (a number with a unit: 150ms, 2s, 1.5m, 500us)',
    ],
    [
      'heal of a step that does not exist',
      'name: x\nsteps:\n  - name: cut\n    at: 1s\n    partition: { isolate: us-east-1 }\n  - at: 2s\n    heal: cutt\n',
      'bad.yaml:7:11: heal: cutt names no step (did you mean "cut"?)',
    ],
    [
      'a strobe without for',
      'name: x\nsteps:\n  - at: 1s\n    clock: { node: leader, strobe: { delta: 1ms, period: 1ms } }\n',
      'bad.yaml:4:36: a strobe needs "for" on its step (how long the clock flips)',
    ],
    [
      'a partition with both shapes',
      'name: x\nsteps:\n  - at: 1s\n    partition: { isolate: eu-west-1, between: [us-east-1, eu-west-1] }\n',
      'bad.yaml:4:16: a partition needs exactly one of "isolate: GROUP" (it against the rest) or "between: [GROUP, GROUP]"',
    ],
    [
      'a nemesis that ends before it starts',
      'name: x\nnemesis: { from: 10s, until: 5s }\n',
      'bad.yaml:2:30: nemesis.until (5s) must come after nemesis.from (10s)',
    ],
    [
      'an unknown nemesis fault',
      'name: x\nnemesis: { from: 1s, until: 5s, faults: [partition-halfs] }\n',
      'bad.yaml:2:42: nemesis.faults[0] cannot be "partition-halfs" (did you mean "partition-halves"?)',
    ],
    [
      'no faults at all',
      'name: x\n',
      'bad.yaml:1:1: the scenario has no steps and no nemesis (add steps: [...] or nemesis: {...})',
    ],
    [
      'YAML syntax',
      'name: x\nsteps: [\n',
      "bad.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (check this line's indentation against the line above)",
    ],
  ])('refuses %s with file:line:col', (_, text, expected) => {
    expect(errors(text)).toEqual([expected]);
  });

  it('refuses an unreadable file in one line', () => {
    const r = loadScenarioFile(join(ROOT, 'toxics', 'nope.yaml'));
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([
      `${join(ROOT, 'toxics', 'nope.yaml')}:1:1: cannot read the scenario: no such file`,
    ]);
  });
});
