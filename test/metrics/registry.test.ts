/** GeolabMetrics' feeding methods, one at a time, read back from the text it serves. */
import { join } from 'node:path';
import { GeolabMetrics } from '../../src/metrics/registry';
import { loadTopologyFile, type Topology } from '../../src/topology';
import { ROOT } from './run';

function topology(mode = 'raft'): Topology {
  const loaded = loadTopologyFile(join(ROOT, 'topologies', 'three-regions.yaml'), { mode });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.topology;
}

/** The sample lines of one metric family, without HELP and TYPE. */
async function samples(metrics: GeolabMetrics, name: string): Promise<string[]> {
  const text = await metrics.text();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

const T = topology();
const [n1, n2] = T.nodes;

it('labels client ops with region, op, mode and outcome, in seconds', async () => {
  const m = new GeolabMetrics({ topology: T });
  expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  m.observeOp({ region: 'eu-west-1', f: 'write', type: 'ok', latencyMs: 80 });
  m.observeOp({ region: 'eu-west-1', f: 'write', type: 'fail', latencyMs: 3, error: 'not-leader' });
  expect(await samples(m, 'geolab_client_ops_total')).toEqual([
    'geolab_client_ops_total{region="eu-west-1",op="write",mode="raft",outcome="ok"} 1',
    'geolab_client_ops_total{region="eu-west-1",op="write",mode="raft",outcome="fail"} 1',
  ]);
  expect(await samples(m, 'geolab_client_op_duration_seconds_sum')).toEqual([
    'geolab_client_op_duration_seconds_sum{region="eu-west-1",op="write",mode="raft",outcome="ok"} 0.08',
    'geolab_client_op_duration_seconds_sum{region="eu-west-1",op="write",mode="raft",outcome="fail"} 0.003',
  ]);
  expect(await samples(m, 'geolab_client_errors_total')).toEqual([
    'geolab_client_errors_total{region="eu-west-1",op="write",mode="raft",error="not-leader"} 1',
  ]);
});

it('gives availability over the last 10 s of its clock', async () => {
  let now = 0;
  const m = new GeolabMetrics({ topology: T, now: () => now });
  for (let i = 0; i < 4; i++) m.observeOp({ region: 'r', f: 'read', type: 'ok', latencyMs: 1 });
  m.observeOp({ region: 'r', f: 'read', type: 'info', latencyMs: 1, error: 'timeout' });
  m.observeOp({ region: 'r', f: 'cas', type: 'fail', latencyMs: 1, error: 'cas-mismatch' });
  now = 9_000;
  m.observeOp({ region: 'r', f: 'read', type: 'fail', latencyMs: 1 });
  now = 9_500;
  expect(await samples(m, 'geolab_client_availability_ratio')).toEqual([
    `geolab_client_availability_ratio{region="r",mode="raft"} ${5 / 7}`,
  ]);
  now = 11_000; // the second [0, 1 s) left the window (one-second buckets)
  expect(await samples(m, 'geolab_client_availability_ratio')).toEqual([
    'geolab_client_availability_ratio{region="r",mode="raft"} 0',
  ]);
  now = 30_000;
  expect(await samples(m, 'geolab_client_availability_ratio')).toEqual([]);
});

it('counts elections, tracks roles, terms, commits and conflicts', async () => {
  const m = new GeolabMetrics({ topology: T });
  m.observeEvent(n1.id, n1.region, { kind: 'role', role: 'candidate', term: 2 });
  m.observeEvent(n1.id, n1.region, { kind: 'role', role: 'leader', term: 2 });
  m.observeEvent(n1.id, n1.region, { kind: 'role', role: 'leader', term: 2 });
  m.observeEvent(n1.id, n1.region, { kind: 'commit', index: 7, count: 1 });
  m.observeEvent(n2.id, n2.region, { kind: 'conflict', key: 'k', resolver: 'lww', siblings: 2 });
  expect(await samples(m, 'geolab_elections_total')).toEqual([
    'geolab_elections_total{mode="raft"} 1',
  ]);
  expect(await samples(m, 'geolab_replica_role')).toEqual([
    `geolab_replica_role{node="${n1.id}",region="${n1.region}",role="candidate"} 0`,
    `geolab_replica_role{node="${n1.id}",region="${n1.region}",role="leader"} 1`,
  ]);
  expect(await samples(m, 'geolab_replica_term')).toEqual([
    `geolab_replica_term{node="${n1.id}",region="${n1.region}"} 2`,
  ]);
  expect(await samples(m, 'geolab_replica_commit_index')).toEqual([
    `geolab_replica_commit_index{node="${n1.id}",region="${n1.region}"} 7`,
  ]);
  expect(await samples(m, 'geolab_conflicts_total')).toEqual([
    `geolab_conflicts_total{region="${n2.region}",resolver="lww"} 1`,
  ]);
});

it('exports metric events lazily as geolab_<name>, counters adding and gauges set', async () => {
  const m = new GeolabMetrics({ topology: T });
  const counter = { kind: 'metric', name: 'hints_stored_total', type: 'counter' } as const;
  m.observeEvent(n1.id, n1.region, { ...counter, value: 1 });
  m.observeEvent(n1.id, n1.region, { ...counter, value: 2 });
  const lag = { kind: 'metric', name: 'multileader_visibility_ms', type: 'gauge' } as const;
  m.observeEvent(n2.id, n2.region, { ...lag, value: 250, labels: { origin: 'us-east-1' } });
  m.observeEvent(n2.id, n2.region, { ...lag, value: 120, labels: { origin: 'us-east-1' } });
  expect(await samples(m, 'geolab_hints_stored_total')).toEqual([
    `geolab_hints_stored_total{node="${n1.id}",region="${n1.region}"} 3`,
  ]);
  expect(await samples(m, 'geolab_multileader_visibility_seconds')).toEqual([
    `geolab_multileader_visibility_seconds{node="${n2.id}",region="${n2.region}",origin="us-east-1"} 0.12`,
  ]);
  expect(await samples(m, 'geolab_replication_lag')).toEqual([
    `geolab_replication_lag{node="${n2.id}",region="${n2.region}",unit="seconds"} 0.12`,
  ]);
});

it('refuses metric events it cannot export, and counts them', async () => {
  const m = new GeolabMetrics({ topology: T });
  const event = (name: string, type: 'counter' | 'gauge', labels?: Record<string, string>) =>
    m.observeEvent(n1.id, n1.region, { kind: 'metric', name, type, value: 1, labels });
  event('bad/name', 'counter');
  event('elections_total', 'counter'); // geolab_elections_total is geolab's own
  event('queue', 'gauge', { peer: 'a' });
  event('queue', 'gauge', { other: 'b' }); // another label set than the first
  event('queue', 'counter'); // geolab_queue_total: a new counter, fine
  event('depth', 'gauge', { node: 'x' }); // node is geolab's label
  const refused = await samples(m, 'geolab_metric_events_refused_total');
  expect(refused).toEqual([
    'geolab_metric_events_refused_total{metric="bad/name"} 1',
    'geolab_metric_events_refused_total{metric="elections_total"} 1',
    'geolab_metric_events_refused_total{metric="queue"} 1',
    'geolab_metric_events_refused_total{metric="depth"} 1',
  ]);
  expect(await samples(m, 'geolab_queue')).toEqual([
    `geolab_queue{node="${n1.id}",region="${n1.region}",peer="a"} 1`,
  ]);
  expect(await samples(m, 'geolab_elections_total')).toEqual([
    'geolab_elections_total{mode="raft"} 0',
  ]);
});

it("maps the raft leader's and the async primary's lag reports to the lagging replica", async () => {
  const m = new GeolabMetrics({ topology: T });
  const report = { kind: 'metric', name: 'raft_follower_lag_entries', type: 'gauge' } as const;
  m.observeEvent(n1.id, n1.region, { ...report, value: 4, labels: { follower: n2.id } });
  m.observeEvent(n2.id, n2.region, { kind: 'role', role: 'leader', term: 3 });
  m.observeEvent(n2.id, n2.region, { ...report, value: 9, labels: { follower: n1.id } });
  const async = { kind: 'metric', name: 'async_replication_lag_entries', type: 'gauge' } as const;
  const last = T.nodes[T.nodes.length - 1];
  m.observeEvent(n2.id, n2.region, { ...async, value: 2, labels: { backup: last.id } });
  expect(await samples(m, 'geolab_replication_lag')).toEqual([
    `geolab_replication_lag{node="${n2.id}",region="${n2.region}",unit="entries"} 0`,
    `geolab_replication_lag{node="${n1.id}",region="${n1.region}",unit="entries"} 9`,
    `geolab_replication_lag{node="${last.id}",region="${last.region}",unit="entries"} 2`,
  ]);
});

it('adds proxy traffic per region pair and direction, from cumulative counts', async () => {
  const m = new GeolabMetrics({ topology: T });
  const east = T.nodes.find((n) => n.region === 'us-east-1');
  const west = T.nodes.find((n) => n.region === 'eu-west-1');
  if (east === undefined || west === undefined) throw new Error('three-regions changed');
  const peer = `${east.id}__${west.id}`;
  const client = `client@eu-west-1__${east.id}`;
  m.collectProxy([
    { name: peer, upstreamBytes: 100, downstreamBytes: 10 },
    { name: client, upstreamBytes: 7, downstreamBytes: 70 },
    { name: 'not-ours', upstreamBytes: 1, downstreamBytes: 1 },
  ]);
  m.collectProxy([{ name: peer, upstreamBytes: 150, downstreamBytes: 10 }]);
  expect(await samples(m, 'geolab_proxy_bytes_total')).toEqual([
    'geolab_proxy_bytes_total{from_region="us-east-1",to_region="eu-west-1",kind="peer"} 150',
    'geolab_proxy_bytes_total{from_region="eu-west-1",to_region="us-east-1",kind="peer"} 10',
    'geolab_proxy_bytes_total{from_region="eu-west-1",to_region="us-east-1",kind="client"} 7',
    'geolab_proxy_bytes_total{from_region="us-east-1",to_region="eu-west-1",kind="client"} 70',
  ]);
});

it('reads the traffic source at every scrape', async () => {
  let bytes = 0;
  const east = T.nodes[0];
  const name = `${east.id}__${T.nodes[1].id}`;
  const m = new GeolabMetrics({
    topology: T,
    traffic: () => [{ name, upstreamBytes: bytes, downstreamBytes: 0 }],
  });
  bytes = 5;
  await m.text();
  bytes = 12;
  expect((await samples(m, 'geolab_proxy_bytes_total'))[0]).toMatch(/ 12$/);
});

it('labels everything with the mode id of the topology', async () => {
  const m = new GeolabMetrics({ topology: topology('leaderless:LOCAL_QUORUM') });
  m.observeStaleRead('eu-west-1');
  expect(await samples(m, 'geolab_stale_reads_total')).toContain(
    'geolab_stale_reads_total{region="eu-west-1",mode="leaderless:LOCAL_QUORUM"} 1',
  );
});

it('takes what live replica processes report only once it is checked', async () => {
  const m = new GeolabMetrics({ topology: T });
  m.observeReportedEvent(n1.id, { kind: 'role', role: 'leader', term: 4 });
  m.observeReportedEvent(n1.id, { kind: 'commit', index: 12, count: 2 });
  m.observeReportedEvent(n1.id, { kind: 'role', role: 'emperor', term: 5 });
  m.observeReportedEvent(n1.id, { kind: 'commit', index: -1, count: 1 });
  m.observeReportedEvent(n1.id, { kind: 'metric', name: 'x', type: 'counter', value: 'many' });
  m.observeReportedEvent(n1.id, { kind: 'metric', name: 'y', type: 'gauge', value: 1, labels: [] });
  m.observeReportedEvent('nobody', { kind: 'role', role: 'leader', term: 9 });
  m.observeReportedEvent(n1.id, 'leader');
  m.observeReportedEvent(n2.id, { kind: 'conflict', key: 'k', resolver: 'yjs', siblings: 2 });
  m.observeReportedEvent(n2.id, { kind: 'metric', name: 'z_total', type: 'counter', value: 2 });
  expect(await samples(m, 'geolab_replica_term')).toEqual([
    `geolab_replica_term{node="${n1.id}",region="${n1.region}"} 4`,
  ]);
  expect(await samples(m, 'geolab_replica_commit_index')).toEqual([
    `geolab_replica_commit_index{node="${n1.id}",region="${n1.region}"} 12`,
  ]);
  expect(await samples(m, 'geolab_conflicts_total')).toEqual([
    `geolab_conflicts_total{region="${n2.region}",resolver="yjs"} 1`,
  ]);
  expect(await samples(m, 'geolab_z_total')).toEqual([
    `geolab_z_total{node="${n2.id}",region="${n2.region}"} 2`,
  ]);
  expect(await samples(m, 'geolab_x_total')).toEqual([]);
  expect(await samples(m, 'geolab_y')).toEqual([]);
});
