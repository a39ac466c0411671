import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLiveWorkload } from '../../../src/runtime/live/live-workload';
import { onFreePorts } from '../../../src/runtime/live/raft-failover';
import { useCluster } from './use-cluster';

// Multi-leader runs live as it does in the simulator: six `geolab node` processes of
// topologies/multi-leader-yjs.yaml (three regions, a leader and a follower each), every link
// through the embedded Toxiproxy with the aws preset's latencies. A short workload from every
// region, then every region reads every key: all regions must show the same values. The
// latency story, on a 20 ms intra-region topology, is multi-leader-latency.test.ts.
const root = join(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('multi-leader live, yjs, through the proxy', () => {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-ml-'));
  const { file, topology } = onFreePorts(join(root, 'topologies', 'multi-leader-yjs.yaml'), dir);
  const cluster = useCluster({ file, topology, dir });

  it('serves every region and converges', async () => {
    const history = await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 4000,
      workload: { rate: 20, keys: 10, mix: { read: 0.4, write: 0.3, increment: 0.2, text: 0.1 } },
      seed: 1,
      keyPrefix: 'live-',
    });
    const completed = history.filter((op) => op.type !== 'invoke');
    expect(completed.length).toBeGreaterThan(100);
    expect(completed.filter((op) => op.type !== 'ok')).toEqual([]);
    // Replicas apply what arrived once per batch interval (50 ms): two hops and the slowest
    // RTT (212 ms) take well under the pause.
    await sleep(2000);
    const finals = await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 1500,
      workload: { rate: 20, keys: 10, mix: { read: 1 } },
      seed: 2,
      keyPrefix: 'live-',
    });
    const seen = new Map<string, Map<string, string>>();
    for (const op of finals) {
      if (op.type !== 'ok' || op.region === undefined) continue;
      const byRegion = seen.get(String(op.key)) ?? new Map<string, string>();
      byRegion.set(op.region, JSON.stringify(op.value));
      seen.set(String(op.key), byRegion);
    }
    expect(seen.size).toBeGreaterThan(0);
    for (const byRegion of seen.values()) expect(new Set(byRegion.values()).size).toBe(1);
  }, 60_000);
});
