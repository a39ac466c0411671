import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { finalReadsAt } from '../../src/experiment/plan';
import { buildResults, type RunResults } from '../../src/experiment/results';
import { runSimExperiment } from '../../src/experiment/sim-experiment';
import { loadScenarioFile } from '../../src/faults/load-scenario';
import { renderSummaryMarkdown, renderSummaryText } from '../../src/report/summary';
import { loadTopologyFile, type Topology } from '../../src/topology';
import { formatJsonl } from '../../src/workload/history/jsonl';

const root = join(__dirname, '..', '..');

function load(mode?: string): Topology {
  const t = loadTopologyFile(join(root, 'topologies', 'three-regions.yaml'), { mode });
  if (!t.ok) throw new Error(t.issues.map((i) => i.message).join('\n'));
  return t.topology;
}

function partition(topology: Topology) {
  const s = loadScenarioFile(join(root, 'toxics', 'partition-one-region.yaml'), topology);
  if (!s.ok) throw new Error(s.issues.map((i) => i.message).join('\n'));
  return s.scenario;
}

describe('the simulated experiment', () => {
  const topology = load();
  const scenario = partition(topology);
  const data = runSimExperiment(topology, { seed: 7, durationMs: 30_000, scenario });
  const results = buildResults(data);

  it('is the same run for the same seed', () => {
    const again = runSimExperiment(topology, { seed: 7, durationMs: 30_000, scenario });
    expect(formatJsonl(again.history)).toBe(formatJsonl(data.history));
    expect(again.messageSample).toEqual(data.messageSample);
  });

  it('plays the scenario, marks it in the history, and reads every key after the heal', () => {
    expect(data.faults.map((f) => [f.name, f.kind, f.startMs, f.endMs])).toEqual([
      ['cut', 'partition', 10_000, 30_000],
    ]);
    expect(data.history.some((op) => op.process === 'nemesis')).toBe(true);
    const keys = new Set(data.history.filter((op) => op.key !== undefined).map((op) => op.key));
    const readsAt = finalReadsAt(topology, scenario, 30_000);
    const finalReads = data.history.filter(
      (op) => op.time >= readsAt && op.type === 'invoke' && op.f === 'read',
    );
    // Every region read every key once more (the convergence probes stop before).
    expect(finalReads.length).toBe(keys.size * topology.regions.length);
  });

  it("measures raft's chapter outcome: the cut-off region stops, the majority carries on", () => {
    const cut = results.faults[0];
    expect(cut.availability['us-east-1']).toBeLessThan(0.1);
    expect(cut.availability['eu-west-1']).toBeGreaterThan(0.9);
    expect(cut.availability['ap-southeast-1']).toBeGreaterThan(0.9);
    expect(results.checkers.linearizable).toBe('ok');
    expect(results.promises.map((p) => [p.checker, p.kept])).toEqual([
      ['linearizable', true],
      ['no-lost-updates', true],
    ]);
    expect(results.verdict).toBe('pass');
    // Elections happened on the majority side.
    expect(results.roles.some((r) => r.role === 'leader' && r.at > 10_000)).toBe(true);
  });

  it('fills every part of results.json a report draws', () => {
    for (const g of results.regions) {
      expect(g.latency.write.count).toBeGreaterThan(0);
      expect(g.cdf.read.length).toBe(101);
    }
    expect(results.timeline.series.every((s) => s.t.length >= 30)).toBe(true);
    expect(results.messages.perOp).toBeGreaterThan(1);
    expect(results.messages.sample.list.length).toBeGreaterThan(10);
    expect(results.staleness.pConsistent[0].reads).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('summarises as text and Markdown, with the verdict last', () => {
    const text = renderSummaryText(results);
    expect(text).toContain('three-regions · raft · sim, seed 7 · scenario partition-one-region');
    expect(text.trim().split('\n').at(-1)).toBe('verdict: PASS, every promise kept');
    const md = renderSummaryMarkdown(results);
    expect(md).toMatch(/^# three-regions/);
    expect(md).toContain('| us-east-1 |');
  });

  it('fails a run whose history breaks a promise, and shows the witness', () => {
    // A stale read after a write completed: not linearizable, which Raft promises.
    const broken = buildResults({
      ...data,
      history: [
        {
          process: 0,
          type: 'invoke',
          f: 'write',
          key: 'x',
          value: 1,
          time: 0,
          region: 'us-east-1',
        },
        { process: 0, type: 'ok', f: 'write', key: 'x', value: 1, time: 10, region: 'us-east-1' },
        {
          process: 1,
          type: 'invoke',
          f: 'read',
          key: 'x',
          value: null,
          time: 20,
          region: 'eu-west-1',
        },
        { process: 1, type: 'ok', f: 'read', key: 'x', value: null, time: 30, region: 'eu-west-1' },
      ],
    });
    expect(broken.verdict).toBe('fail');
    expect(broken.checkers.linearizable).toBe('violation');
    expect(broken.checkers.witnesses[0].text).toMatch(/x/);
    expect(renderSummaryText(broken)).toMatch(
      /verdict: FAIL, raft broke linearizable, no-lost-updates$/,
    );
  });
});

describe('geolab sim --scenario (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-sim-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the report files and exits 0 when the promises hold', async () => {
    const out = join(dir, 'run');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(root, 'dist', 'cli', 'main.js'),
        'sim',
        'topologies/three-regions.yaml',
        '--scenario',
        'toxics/partition-one-region.yaml',
        '--duration',
        '30s',
        '--seed',
        '7',
        '--report',
        out,
      ],
      { cwd: root },
    );
    expect(stdout).toContain('verdict: PASS');
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect([r.runtime, r.seed, r.scenario?.name]).toEqual(['sim', 7, 'partition-one-region']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });
});
