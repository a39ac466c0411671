import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from '../../../src/runtime/live/cluster';
import type { Topology } from '../../../src/topology';

/**
 * A live cluster for one test file: started before its tests, stopped after them (with
 * `cleanup`, then the scratch directory `dir` removed). The topology must already be on free
 * ports (onFreePorts, or basePort 0 in the YAML).
 */
export function useCluster(setup: {
  readonly file: string;
  readonly topology: Topology;
  readonly dir: string;
  readonly cleanup?: () => void;
}): Cluster {
  const cluster = new Cluster({
    topology: setup.topology,
    topologyFile: setup.file,
    dataDir: join(setup.dir, 'data'),
    log: () => undefined,
  });
  beforeAll(() => cluster.start(), 60_000);
  afterAll(async () => {
    setup.cleanup?.();
    await cluster.stop();
    rmSync(setup.dir, { recursive: true, force: true });
  }, 30_000);
  return cluster;
}
