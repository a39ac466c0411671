import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/random';
import { crashRun, writeCrashTopology } from '../../../src/runtime/live/orchestrator-crash';

// `kill -9` of `geolab up` itself, three times with a fixed seed (the bench does fifty):
// its replicas stop with it, its ports are freed, and `geolab up` on the same data directory
// starts again and still serves every write acknowledged before the crash.
const cli = join(__dirname, '..', '..', '..', 'dist', 'cli', 'main.js');

describe('geolab up killed with SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no replica or port behind, and restarts on the same data with its writes', async () => {
    const topologyFile = writeCrashTopology(dir);
    const rng = new Rng('orchestrator-crash');
    for (let i = 0; i < 3; i++) {
      const dataDir = join(dir, `run-${i}`);
      mkdirSync(dataDir);
      const run = await crashRun({
        cli,
        topologyFile,
        dataDir,
        rng: rng.fork(`run-${i}`),
        maxKillMs: 1500,
      });
      expect(run).toMatchObject({ survivors: [], heldPorts: [] });
      expect(run.restartFailure).toBeUndefined();
    }
  }, 90_000);
});
