import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  failoverBoundMs,
  nearestMajorityRttMs,
  onFreePorts,
  votersOf,
} from '../../../src/runtime/live/raft-failover';

// The arithmetic behind the live failover figures, on the topologies the live tests run.
const root = join(__dirname, '..', '..', '..');

describe('live failover arithmetic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-failover-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { file, topology } = onFreePorts(join(root, 'topologies', 'three-regions.yaml'), dir);

  it('copies a topology onto free ports, without dashboard or metrics, keeping the rest', () => {
    expect(file).toBe(join(dir, 'three-regions.yaml'));
    expect(topology.nodes.map((n) => n.port)).toEqual(Array(9).fill(0));
    expect(topology.toxiproxy.port).toBe(0);
    expect(topology.dashboard.enabled).toBe(false);
    expect(topology.metrics.enabled).toBe(false);
    expect(topology.replication).toMatchObject({
      mode: 'single-leader',
      protocol: 'raft',
      leaderRegion: 'us-east-1',
    });
    expect(readFileSync(file, 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
  });

  it('takes the RTT to the (majority − 1)-th nearest other voter that is up', () => {
    expect(votersOf(topology)).toHaveLength(9);
    // Majority 5: itself, two local peers (4 ms), then eu-west-1 (69.5 ms).
    expect(nearestMajorityRttMs(topology, 'us-east-1-n1')).toBe(69.5);
    expect(nearestMajorityRttMs(topology, 'eu-west-1-n1')).toBe(69.5);
    // From ap-southeast-1, the fourth nearest is in eu-west-1.
    expect(nearestMajorityRttMs(topology, 'ap-southeast-1-n1')).toBe(181.5);
    // With both local peers down, us-east-1 needs all three of eu-west-1 and one more.
    expect(nearestMajorityRttMs(topology, 'us-east-1-n1', ['us-east-1-n2', 'us-east-1-n3'])).toBe(
      212,
    );
    // With five of nine down no majority is left.
    const down = [
      'eu-west-1-n1',
      'eu-west-1-n2',
      'eu-west-1-n3',
      'ap-southeast-1-n1',
      'us-east-1-n2',
    ];
    expect(nearestMajorityRttMs(topology, 'us-east-1-n1', down)).toBe(Infinity);
  });

  it('bounds a failover by the longest randomized election timeout and two of those RTTs', () => {
    expect(failoverBoundMs(topology, 'us-east-1-n1')).toBe(2 * 1000 + 2 * 69.5);
  });
});
