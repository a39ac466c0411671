import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunResults } from '../../src/experiment/results';

// The README's main job, exactly: `geolab run topologies/three-regions.yaml --scenario
// toxics/partition-one-region.yaml --duration 30s`: nine replica processes and the embedded
// proxy, us-east-1 (the Raft leader's region) cut off from 10 s to 30 s, then the checks and
// the report. About a minute.
const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const exec = promisify(execFile);

async function geolab(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Processes whose command line mentions `text` (replicas carry their data dir in theirs). */
function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '' && !l.includes('pgrep'));
  } catch {
    return [];
  }
}

describe('geolab run (live)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs three-regions under partition-one-region and writes every report file', async () => {
    const out = join(dir, 'run');
    const { code, stdout, stderr } = await geolab(
      'run',
      'topologies/three-regions.yaml',
      '--scenario',
      'toxics/partition-one-region.yaml',
      '--duration',
      '30s',
      '--out',
      out,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    for (const f of ['results.json', 'summary.md', 'report.html', 'history.jsonl']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(stdout).toContain('verdict: PASS, every promise kept');
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(r.schema).toBe('geolab.results/v1');
    expect([r.mode, r.runtime]).toEqual(['raft', 'live']);
    // Raft's chapter outcome, live: the cut-off region stops serving, the majority carries on.
    const cut = r.faults.find((f) => f.kind === 'partition');
    expect(cut?.availability['us-east-1']).toBeLessThan(0.2);
    expect(cut?.availability['eu-west-1']).toBeGreaterThan(0.6);
    expect(cut?.availability['ap-southeast-1']).toBeGreaterThan(0.6);
    expect(r.checkers.linearizable).toBe('ok');
    expect(r.lostWrites.lost).toBe(0);
    // Final reads reached every region after the heal.
    const finals = readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n').length;
    expect(finals).toBeGreaterThan(r.ops.ok);
    // Nothing left running.
    expect(processesMentioning(out)).toEqual([]);
  }, 180_000);

  it("refuses an --out that holds an earlier run's replica data", async () => {
    const out = join(dir, 'used');
    mkdirSync(join(out, 'data', 'us-east-1-n1'), { recursive: true });
    const { code, stderr } = await geolab('run', 'topologies/three-regions.yaml', '--out', out);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `geolab: --out ${out}: ${join(out, 'data')} holds an earlier run's replica data (the replicas would start from it); choose another --out, or remove that directory\n`,
    );
  });

  it('refuses a scenario with a typo: file:line:col, exit 2, nothing started', async () => {
    const bad = join(dir, 'typo.yaml');
    writeFileSync(
      bad,
      'name: typo\nsteps:\n  - at: 1s\n    partition:\n      isolate: us-east-2\n',
    );
    const { code, stdout, stderr } = await geolab(
      'run',
      'topologies/three-regions.yaml',
      '--scenario',
      bad,
      '--duration',
      '5s',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^geolab: ${bad}:5:16: .*us-east-2.*us-east-1`));
  });
});
