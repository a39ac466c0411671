import { existsSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCluster } from './use-cluster';
import { onFreePorts } from '../../../src/runtime/live/raft-failover';
import { rttMs } from '../../../src/topology';

// Leaderless, live, through the embedded Toxiproxy: a two-region Cassandra-style topology
// (three replicas per key in each region) whose intra-region RTT is 20 ms, so that the levels
// wait visibly different times. A client in us-east-1 talks to use1-a, which coordinates;
// every request pays the client's own round trip to it (20 ms), and then:
//   ONE, LOCAL_ONE: use1-a's own copy, nothing more;
//   LOCAL_QUORUM:   one intra-region round trip (the closest local peer);
//   EACH_QUORUM, QUORUM (4 of 6), ALL: the cross-region round trip (us-east-1 ↔ eu-west-1).
const root = join(__dirname, '..', '..', '..');

// node:http with a keep-alive agent, as test/runtime/live/latency.test.ts explains.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function call(url: string, method: 'GET' | 'PUT', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('leaderless live latency per consistency level', () => {
  // Journals on tmpfs where there is one: this measures the network path, not the disk.
  const dir = mkdtempSync(
    join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-leaderless-'),
  );
  const { file, topology } = onFreePorts(
    join(root, 'test', 'fixtures', 'topologies', 'leaderless-20ms.yaml'),
    dir,
  );
  const cluster = useCluster({ file, topology, dir, cleanup: () => agent.destroy() });

  it('matches the prediction within ±10% + 3 ms (writes + 5 ms): LOCAL_QUORUM one local round trip, EACH_QUORUM the cross-region one', async () => {
    const client = rttMs(topology.latency, 'us-east-1', 'us-east-1');
    const local = client;
    const cross = rttMs(topology.latency, 'us-east-1', 'eu-west-1');
    const wait: Record<string, number> = {
      ONE: 0,
      LOCAL_ONE: 0,
      LOCAL_QUORUM: local,
      QUORUM: cross,
      EACH_QUORUM: cross,
      ALL: cross,
    };
    const at = cluster.clientAddress('us-east-1', 'use1-a');
    const base = `http://${at.host}:${at.port}/kv`;
    // Writes get 2 ms more slack than reads. Across sessions 2 to 5 a write at ONE measured
    // 24.2–25.8 ms against 20 ms predicted, steadily 2–3 ms above a read at ONE, so that alone
    // it passed and under CI's load it failed. Not fsync: the journals are on tmpfs (0.0 ms per
    // fsync) and turning group commit off gave the same 25.1 ms. It is the coordinator's
    // fan-out (five peer frames sent before the reply): straight to the replica a write takes
    // 1.05–2.18 ms here against 0.45–0.47 ms with one replica and no peer (docs/reliability.md).
    // What this test checks, the cost of each level, is unchanged.
    const within = (r: { op: string; predicted: number; median: number }) =>
      Math.abs(r.median - r.predicted) <= r.predicted * 0.1 + (r.op === 'write' ? 5 : 3);
    const rows: { op: string; level: string; round: number; predicted: number; median: number }[] =
      [];
    let value = 0;
    for (const op of ['write', 'read'] as const) {
      for (const [level, levelWait] of Object.entries(wait)) {
        const predicted = client + levelWait;
        // Up to three rounds of 15: another suite may hog this 2-core machine for a while.
        for (let round = 1; round <= 3; round++) {
          const samples: number[] = [];
          for (let i = 0; i < 15; i++) {
            const url = `${base}/k-${level}?consistency=${level}`;
            const start = performance.now();
            const status = await (op === 'write'
              ? call(url, 'PUT', String(++value))
              : call(url, 'GET'));
            samples.push(performance.now() - start);
            expect(status).toBe(200);
          }
          samples.sort((a, b) => a - b);
          const row = { op, level, round, predicted, median: Math.round(samples[7] * 10) / 10 };
          rows.push(row);
          if (within(row)) break;
        }
      }
    }
    console.log(
      [
        'op     level         predicted  median',
        ...rows.map(
          (r) =>
            `${r.op.padEnd(6)} ${r.level.padEnd(13)} ${String(r.predicted).padStart(6)} ms ${String(r.median).padStart(6)} ms${r.round > 1 ? ` (round ${r.round})` : ''}`,
        ),
      ].join('\n'),
    );
    const last = new Map(rows.map((r) => [`${r.op} ${r.level}`, r]));
    expect([...last.values()].filter((r) => !within(r))).toEqual([]);
  }, 180_000);
});
