import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSoak, stretched, type SoakResult } from '../../src/experiment/soak';
import { loadScenarioFile } from '../../src/faults/load-scenario';
import { onFreePorts } from '../../src/runtime/live/raft-failover';

// The soak's CI variant: 15 s of Raft on three-regions.yaml under the random nemesis, live
// (the full one is `npm run bench:soak`, DURATION=30m for the figures in docs/reliability).
const ROOT = join(__dirname, '..', '..');
jest.setTimeout(150_000);

let dir: string;
let result: SoakResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'geolab-soak-test-'));
  const { file, topology } = onFreePorts(join(ROOT, 'topologies', 'three-regions.yaml'), dir);
  const scenario = loadScenarioFile(join(ROOT, 'toxics', 'random-nemesis.yaml'), topology);
  if (!scenario.ok) throw new Error('random-nemesis.yaml');
  result = await runSoak({
    topology,
    topologyFile: file,
    durationMs: 15_000,
    rate: 60,
    scenario: scenario.scenario,
    dir,
    keyWindowMs: 5000,
    sampleEveryMs: 2000,
    seed: 3,
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a short live soak of Raft under the random nemesis', () => {
  it('plays faults, and no replica exits unless the nemesis killed it', () => {
    expect(result.faults.total).toBeGreaterThan(0);
    expect(result.unexpectedExits).toEqual([]);
  });

  it('streams the history to disk and checks it window by window: linearizable', () => {
    expect(statSync(result.historyFile).size).toBeGreaterThan(0);
    expect(result.ops.ok).toBeGreaterThan(100);
    expect(result.check.windows).toBeGreaterThanOrEqual(3);
    expect(result.check.keys.notLinearizable).toBe(0);
    expect(result.check.keys.linearizable).toBeGreaterThan(0);
    expect(result.check.largestWindowOps).toBeLessThan(result.check.ops);
  });

  it('samples memory throughout, and every region reads the same after the heal', () => {
    expect(result.memory.length).toBeGreaterThanOrEqual(4);
    for (const s of result.memory) expect(s.orchestrator).toBeGreaterThan(0);
    expect(result.convergence.keys).toBeGreaterThan(0);
    expect(result.convergence.diverged).toEqual([]);
  });

  it('releases every process and port', () => {
    expect(result.released).toEqual({ processesLeft: [], portsHeld: [] });
  });
});

describe('stretching a nemesis over a soak', () => {
  it('runs it until 5 s before the end, and leaves a scenario without one alone', () => {
    const loaded = loadScenarioFile(join(ROOT, 'toxics', 'random-nemesis.yaml'));
    if (!loaded.ok) throw new Error('random-nemesis.yaml');
    expect(stretched(loaded.scenario, 1_800_000).nemesis?.untilMs).toBe(1_795_000);
    const plain = loadScenarioFile(join(ROOT, 'toxics', 'partition-one-region.yaml'));
    if (!plain.ok) throw new Error('partition-one-region.yaml');
    expect(stretched(plain.scenario, 1_800_000)).toBe(plain.scenario);
  });
});
