import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTopologyFile } from '../../../src/topology';
import { simulate } from '../../../src/runtime/sim/run';

const root = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

function topology(file: string) {
  const r = loadTopologyFile(join(root, 'topologies', file), { mode: 'single-copy' });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

describe('determinism by seed', () => {
  it('two runs of one seed give the same trace and history; another seed does not', () => {
    const t = topology('three-regions.yaml');
    const a = simulate(t, { seed: 11, durationMs: 5000 });
    const b = simulate(t, { seed: 11, durationMs: 5000 });
    const c = simulate(t, { seed: 12, durationMs: 5000 });
    expect(a.summary.ops.ok).toBeGreaterThan(100);
    expect(b.sim.historyJsonl()).toBe(a.sim.historyJsonl());
    expect(b.summary.traceHash).toBe(a.summary.traceHash);
    expect(c.summary.historyHash).not.toBe(a.summary.historyHash);
    expect(c.summary.traceHash).not.toBe(a.summary.traceHash);
  });

  it('gives the same run whether messages are checked at the sender or sent through the wire codec', () => {
    const t = topology('three-regions.yaml');
    const checked = simulate(t, { seed: 3, durationMs: 3000 });
    const wire = simulate(t, { seed: 3, durationMs: 3000, codec: 'wire' });
    expect(wire.summary.historyHash).toBe(checked.summary.historyHash);
    expect(wire.summary.traceHash).toBe(checked.summary.traceHash);
  });

  it('holds across separate processes (the built CLI)', async () => {
    const cli = join(root, 'dist', 'cli', 'main.js');
    const sim = async (seed: string) => {
      const { stdout } = await run(
        process.execPath,
        [
          cli,
          'sim',
          'topologies/three-regions.yaml',
          '--mode',
          'single-copy',
          '--seed',
          seed,
          '--duration',
          '5s',
          '--json',
        ],
        { cwd: root },
      );
      return JSON.parse(stdout) as {
        historyHash: string;
        traceHash: string;
        events: number;
        wallMs: number;
      };
    };
    const [one, again, other] = await Promise.all([sim('5'), sim('5'), sim('6')]);
    expect(again).toEqual({ ...one, wallMs: again.wallMs });
    expect(other.historyHash).not.toBe(one.historyHash);
    // And the same as in this process, where a different module loader ran it.
    const here = simulate(topology('three-regions.yaml'), { seed: 5, durationMs: 5000 });
    expect(here.summary.historyHash).toBe(one.historyHash);
    expect(here.summary.traceHash).toBe(one.traceHash);
  });
});
