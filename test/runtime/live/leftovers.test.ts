import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftovers, replicasUsing } from '../../../src/runtime/live/leftovers';
import { alive } from '../../../src/runtime/live/process-check';

// Replicas an earlier geolab left on a data directory: a paused one cannot notice that its
// orchestrator died, so the next start clears it (found by the 30-minute soak).
const dir = mkdtempSync(join(tmpdir(), 'geolab-leftovers-'));
const SLEEPER = 'setInterval(() => {}, 1000)';
const started: number[] = [];

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  return check();
}

describe('replicas left on a data directory', () => {
  it('kills an orphaned replica even while it is stopped (SIGSTOP)', async () => {
    // A shell starts the "replica" in the background and exits: init adopts it, as when
    // geolab is killed with kill -9.
    const out = spawnSync(
      'sh',
      ['-c', `${process.execPath} -e '${SLEEPER}' -- --data ${dir}/n1 >/dev/null 2>&1 & echo $!`],
      { encoding: 'utf8' },
    );
    const pid = Number(out.stdout.trim());
    started.push(pid);
    expect(await until(() => replicasUsing(dir).some((p) => p.pid === pid && p.ppid === 1))).toBe(
      true,
    );
    process.kill(pid, 'SIGSTOP');
    const logs: string[] = [];
    expect(killLeftovers(dir, (m) => logs.push(m))).toEqual([pid]);
    expect(await until(() => !alive(pid))).toBe(true);
    expect(logs).toEqual([`killed replica pid ${pid} left on ${dir} by a geolab that died`]);
  });

  it('refuses a data directory a living geolab still uses', async () => {
    const child = spawn(process.execPath, ['-e', SLEEPER, '--', '--data', join(dir, 'n2')], {
      stdio: 'ignore',
    });
    started.push(child.pid ?? 0);
    expect(await until(() => replicasUsing(dir).length === 1)).toBe(true);
    expect(() => killLeftovers(dir, () => undefined)).toThrow(
      `is in use by replica pid ${child.pid} of a running geolab (pid ${process.pid})`,
    );
    expect(alive(child.pid ?? 0)).toBe(true);
    child.kill('SIGKILL');
  });

  it('finds nothing on another directory', () => {
    expect(replicasUsing(join(dir, 'elsewhere'))).toEqual([]);
  });
});
