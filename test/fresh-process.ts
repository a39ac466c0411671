import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..');

/** A module path of this repository, as a quoted string to import in a script. */
export const from = (path: string): string => JSON.stringify(join(root, path));

/**
 * Runs a TypeScript script (through tsx) in a fresh Node process and returns its stdout: for
 * what jest's own process cannot show, such as which modules a process loads or what its heap
 * holds (a heap snapshot of jest's worker would hold everything jest loaded).
 */
export async function runInFreshProcess(source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-fresh-'));
  try {
    const script = join(dir, 'script.ts');
    writeFileSync(script, source);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
