import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../../src/runtime/live/cluster';
import { parseTopology } from '../../../src/topology';

// Cluster.kill and Cluster.restartNode: a crash (kill -9) and a restart of one replica over its
// storage, on a fresh port that the fabric's proxies are re-pointed to.
const yaml = `
regions:
  - name: us-east-1
    replicas: [use1]
  - name: eu-west-1
    replicas: [euw1]
latency:
  preset: aws
replication:
  mode: single-copy
  primary: use1
clients:
  timeout: 1s
network: { basePort: 0 }
toxiproxy: { port: 0 }
dashboard: { enabled: false }
metrics: { enabled: false }
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a cluster’s single replica', () => {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-restart-'));
  const file = join(dir, 'topology.yaml');
  writeFileSync(file, yaml);
  const parsed = parseTopology(yaml, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const logs: string[] = [];
  const cluster = new Cluster({
    topology: parsed.topology,
    topologyFile: file,
    dataDir: join(dir, 'data'),
    log: (m) => logs.push(m),
  });
  const pids: number[] = [];
  const url = (region: string, node: string, path: string) => {
    const at = cluster.clientAddress(region, node);
    return `http://${at.host}:${at.port}${path}`;
  };

  beforeAll(async () => {
    for (const n of await cluster.start()) pids.push(n.pid);
  }, 60_000);
  afterAll(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dies by kill -9, comes back on a new port with its storage, and is reached through the same proxies', async () => {
    const put = await fetch(url('eu-west-1', 'euw1', '/kv/x'), { method: 'PUT', body: '"kept"' });
    expect(put.status).toBe(200);
    const before = cluster.nodes().find((n) => n.id === 'use1');
    if (!before) throw new Error('no use1');

    await cluster.kill('use1');
    expect(cluster.isRunning('use1')).toBe(false);
    expect(alive(before.pid)).toBe(false);
    expect(logs).toContain('replica use1 killed (SIGKILL)');
    // Its clients and peers now find nobody behind the proxies.
    const down = await fetch(url('eu-west-1', 'euw1', '/kv/x'));
    expect(down.status).toBe(504);

    const after = await cluster.restartNode('use1');
    pids.push(after.pid);
    expect(cluster.isRunning('use1')).toBe(true);
    expect(after.pid).not.toBe(before.pid);
    expect(after.port).not.toBe(0);
    // The client proxy and euw1's peer proxy lead to the new process; the write survived.
    const local = await fetch(url('us-east-1', 'use1', '/kv/x'));
    expect(await local.json()).toMatchObject({ type: 'ok', value: 'kept' });
    const forwarded = await fetch(url('eu-west-1', 'euw1', '/kv/x'));
    expect(await forwarded.json()).toMatchObject({ type: 'ok', value: 'kept' });
  }, 30_000);

  it('refuses to restart a running replica or to kill one it does not have', async () => {
    await expect(cluster.restartNode('use1')).rejects.toThrow('replica use1 is still running');
    await expect(cluster.kill('nobody')).rejects.toThrow('no replica nobody');
  });

  it.each([
    ['blackhole', true, ['geolab_blackhole_downstream', 'geolab_blackhole_upstream']],
    ['refuse', false, []],
  ] as const)(
    'restarts a replica behind a %s partition: its proxies keep their faults and lead to it',
    async (mode, enabled, faults) => {
      await cluster.fabric.partition(['use1'], undefined, { mode });
      try {
        await cluster.kill('use1');
        const after = await cluster.restartNode('use1', { linked: false });
        pids.push(after.pid);
        const proxies = await cluster.fabric.snapshot();
        // Cut from everyone, its own region's clients included, as before the restart.
        for (const name of ['euw1__use1', 'client@us-east-1__use1', 'client@eu-west-1__use1']) {
          const p = proxies.get(name);
          expect({
            name,
            upstream: p?.upstream,
            enabled: p?.enabled,
            toxics: p?.toxics.map((t) => t.name).sort(),
          }).toEqual({
            name,
            upstream: `127.0.0.1:${after.port}`,
            enabled,
            toxics: [...faults, 'geolab_latency_downstream', 'geolab_latency_upstream'],
          });
        }
      } finally {
        await cluster.fabric.heal();
      }
      // Healed, its clients reach it again.
      const res = await fetch(url('us-east-1', 'use1', '/kv/x'));
      expect(await res.json()).toMatchObject({ type: 'ok', value: 'kept' });
    },
    30_000,
  );

  it('ends a replica on another signal too, and stop() leaves no process behind', async () => {
    await cluster.kill('euw1', 'SIGTERM');
    expect(cluster.isRunning('euw1')).toBe(false);
    await cluster.stop();
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
