import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCluster } from './use-cluster';
import { onFreePorts } from '../../../src/runtime/live/raft-failover';

// One replica and no peer: the no-replication baseline a latency measurement starts from.
// It used to wait for a peer link that could not exist, and `geolab up` gave up after 30 s.
const root = join(__dirname, '..', '..', '..');

describe('a topology of one replica, live', () => {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-single-'));
  const { file, topology } = onFreePorts(
    join(root, 'test', 'fixtures', 'topologies', 'single-replica.yaml'),
    dir,
  );
  const cluster = useCluster({ file, topology, dir });

  it('starts, and serves a write and a read through its client proxy', async () => {
    const at = cluster.clientAddress('us-east-1', 'use1-a');
    const url = `http://${at.host}:${at.port}/kv/x`;
    expect((await fetch(url, { method: 'PUT', body: '"alone"' })).status).toBe(200);
    const read = await fetch(url);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ type: 'ok', value: 'alone' });
  });
});
