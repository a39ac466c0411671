import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistoryText } from '../../../src/checker/linearizability';
import { useCluster } from './use-cluster';
import { runLiveWorkload } from '../../../src/runtime/live/live-workload';
import { parseTopology } from '../../../src/topology';
import { formatJsonl } from '../../../src/workload/history/jsonl';

// Clients of every region against a live single-copy cluster, through the fabric: the
// history they record is judged by the same checker as the simulator's.
const yaml = `
regions:
  - name: us-east-1
    replicas: [use1, use2]
  - name: eu-west-1
    replicas: [euw1]
latency:
  preset: aws
  jitter: 1ms
replication:
  mode: single-copy
  primary: use1
clients:
  perRegion: 2
  timeout: 1s
workload:
  keys: 3
  concurrency: 2
  mix: { read: 0.5, write: 0.3, cas: 0.2 }
network: { basePort: 0 }
toxiproxy: { port: 0 }
`;

describe('a live workload', () => {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-workload-'));
  const file = join(dir, 'topology.yaml');
  writeFileSync(file, yaml);
  const parsed = parseTopology(yaml, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const topology = parsed.topology;
  const cluster = useCluster({ file, topology, dir });

  it('redials in an open loop after its replica is killed and restarted', async () => {
    // Regression: an open loop never redialled, so after a crash and restart of its replica
    // a client failed every op to the end of the run (93% of a 30-minute soak).
    const origin = performance.now();
    const crash = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await cluster.kill('euw1');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await cluster.restartNode('euw1');
    })();
    const history = await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 6000,
      workload: { rate: 20 },
      origin,
      keyPrefix: 'redial-',
    });
    await crash;
    const euLate = history.filter(
      (h) => h.region === 'eu-west-1' && h.type === 'ok' && h.time > 4500,
    );
    expect(euLate.length).toBeGreaterThan(5);
    expect(checkHistoryText(formatJsonl(history), { format: 'jsonl' }).verdict).toBe(
      'linearizable',
    );
  }, 60_000);

  it('records a linearizable history from every region, closed loop', async () => {
    const history = await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 3000,
    });
    const completed = history.filter((h) => h.type !== 'invoke');
    expect(completed.filter((h) => h.type === 'ok').length).toBeGreaterThan(50);
    expect(new Set(history.map((h) => h.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(
      completed.filter((h) => h.error === 'cas-mismatch').every((h) => h.type === 'fail'),
    ).toBe(true);
    expect(checkHistoryText(formatJsonl(history), { format: 'jsonl' }).verdict).toBe(
      'linearizable',
    );
  }, 30_000);

  it('gives a run its own keys with keyPrefix, so that its history checks alone', async () => {
    // The run above wrote k0..k2 with values from 1 up; this one starts from empty registers.
    const history = await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 1000,
      keyPrefix: 'again-',
    });
    expect(new Set(history.map((h) => h.key))).toEqual(
      new Set(['again-k0', 'again-k1', 'again-k2']),
    );
    expect(checkHistoryText(formatJsonl(history), { format: 'jsonl' }).verdict).toBe(
      'linearizable',
    );
  }, 30_000);

  it('waits for a refused replica to come back instead of spinning, closed loop', async () => {
    const run = runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: 2000,
      workload: { mix: { write: 1 } },
    });
    // Refusing every proxy to and from us-east-1's replicas (its own clients' included) closes
    // the clients' connections and refuses their redials.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.fabric.partition(['use1', 'use2'], undefined, { mode: 'refuse' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await cluster.fabric.heal();
    const history = await run;
    // A spinning client records hundreds of thousands of ops; a waiting one, a few hundred.
    expect(history.length).toBeLessThan(5000);
    const us = history.filter((h) => h.region === 'us-east-1');
    // While refused, the clients redial with back-off and issue nothing…
    expect(us.filter((h) => h.type === 'invoke' && h.time > 450 && h.time < 950)).toEqual([]);
    // …and once healed they are back, writing.
    expect(us.filter((h) => h.type === 'ok' && h.time > 1100).length).toBeGreaterThan(0);
  }, 30_000);

  it('turns an unreachable primary into info, open loop', async () => {
    await cluster.fabric.partition(['euw1'], ['use1']);
    try {
      const history = await runLiveWorkload({
        topology,
        clientAddress: (region, node) => cluster.clientAddress(region, node),
        durationMs: 1500,
        workload: { rate: 10, mix: { write: 1 } },
      });
      const fromEu = history.filter((h) => h.region === 'eu-west-1' && h.type !== 'invoke');
      expect(fromEu.length).toBeGreaterThan(5);
      expect(fromEu.every((h) => h.type === 'info' && h.error === 'timeout')).toBe(true);
      const fromUs = history.filter((h) => h.region === 'us-east-1' && h.type !== 'invoke');
      expect(fromUs.filter((h) => h.type !== 'ok')).toEqual([]);
    } finally {
      await cluster.fabric.heal();
    }
  }, 30_000);
});
