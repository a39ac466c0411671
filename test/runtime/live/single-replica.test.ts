import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCluster } from './use-cluster';
import { parseTopology } from '../../../src/topology';

// One replica and no peer: the no-replication baseline a latency measurement starts from.
// It used to wait for a peer link that could not exist, and `geolab up` gave up after 30 s.
const yaml = `
regions:
  - name: us-east-1
    replicas: [use1-a]
latency: { intraRegionRtt: 20ms }
replication:
  mode: leaderless
  replicationFactor: { us-east-1: 1 }
  read: ONE
  write: ONE
network: { basePort: 0 }
toxiproxy: { port: 0 }
dashboard: { enabled: false }
metrics: { enabled: false }
`;

describe('a topology of one replica, live', () => {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-single-'));
  const file = join(dir, 'topology.yaml');
  writeFileSync(file, yaml);
  const parsed = parseTopology(yaml, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const cluster = useCluster({ file, topology: parsed.topology, dir });

  it('starts, and serves a write and a read through its client proxy', async () => {
    const at = cluster.clientAddress('us-east-1', 'use1-a');
    const url = `http://${at.host}:${at.port}/kv/x`;
    expect((await fetch(url, { method: 'PUT', body: '"alone"' })).status).toBe(200);
    const read = await fetch(url);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ type: 'ok', value: 'alone' });
  });
});
