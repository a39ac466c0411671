import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkLibraries } from '../../src/runtime/libraries';

// Smoke test of the module setup (CommonJS output, nodenext resolution): the four run-time
// libraries whose packaging differs most (WebAssembly, dual ESM/CJS, native-ish ws, axios-based
// client) must load and work both under jest (ts-jest) and from the built CLI.
describe('run-time libraries', () => {
  it('load and work under jest', async () => {
    const checks = await checkLibraries();
    expect(checks.map((c) => c.name)).toEqual([
      '@automerge/automerge',
      'yjs',
      'ws',
      'toxiproxy-node-client',
    ]);
    for (const c of checks) expect(c).toMatchObject({ ok: true });
  });

  it('load and work from the built CLI', () => {
    const cli = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
    // `npm test` builds first (pretest); a missing dist/ means the build step was skipped.
    expect(existsSync(cli)).toBe(true);
    const out = execFileSync(process.execPath, [cli, 'doctor', '--json'], { encoding: 'utf8' });
    const checks = JSON.parse(out) as { name: string; ok: boolean }[];
    expect(checks).toHaveLength(4);
    for (const c of checks) expect(c.ok).toBe(true);
  });
});
