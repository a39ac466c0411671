import { join } from 'node:path';
import { checkHistoryText } from '../../src/checker/linearizability';
import { nearestMajorityRttMs } from '../../src/runtime/live/raft-failover';
import { simulate } from '../../src/runtime/sim/run';
import { loadTopologyFile, rttMs } from '../../src/topology';

// The CI-sized check of the 9-region × 3-replica topology that `npm run bench:scale-live`
// runs live (27 processes: too many for CI): it loads, its RTTs are the cited ones, and
// the simulator runs it briefly, with a fixed seed, to a linearizable history.
const file = join(__dirname, '..', '..', 'topologies', 'nine-regions.yaml');

function load() {
  const r = loadTopologyFile(file);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

describe('topologies/nine-regions.yaml', () => {
  const t = load();

  it('is 9 regions × 3 replicas on free ports, Raft led from us-east-1', () => {
    expect(t.regions.map((r) => r.nodes.length)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(t.nodes.every((n) => n.port === 0)).toBe(true);
    expect(t.toxiproxy.port).toBe(0);
    expect(t.replication).toMatchObject({ mode: 'single-leader', protocol: 'raft' });
    expect(t.replication.mode === 'single-leader' && t.replication.leaderRegion).toBe('us-east-1');
  });

  it('takes the Azure and IBM figures for its two extra regions', () => {
    expect(rttMs(t.latency, 'us-east-2', 'us-east-1')).toBe(8.5); // Azure East US–East US 2
    expect(rttMs(t.latency, 'ap-northeast-3', 'ap-northeast-1')).toBe(9); // IBM Tokyo–Osaka
    expect(rttMs(t.latency, 'us-east-2', 'us-east-2')).toBe(2); // IBM between zones
    expect(rttMs(t.latency, 'us-east-1', 'eu-central-1')).toBe(91.5); // the aws preset
    // 14 of 27: the leader's nearest majority reaches eu-central-1.
    expect(nearestMajorityRttMs(t, 'us-east-1-n1')).toBe(91.5);
  });

  it('runs in the simulator for 5 s (seed 11) to a linearizable history', () => {
    const { sim, summary } = simulate(t, { seed: 11, durationMs: 5000, rate: 5 });
    expect(summary.ops.ok).toBeGreaterThan(50);
    expect(checkHistoryText(sim.historyJsonl(), { format: 'jsonl' }).verdict).toBe('linearizable');
  });
});
