import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../../src/faults/load-scenario';
import { playScenario } from '../../../src/faults/play';
import { UnsupportedFault, type Scheduler } from '../../../src/faults/target';
import { Cluster } from '../../../src/runtime/live/cluster';
import { LeadershipWatch } from '../../../src/runtime/live/leadership-watch';
import { LiveFaultTarget } from '../../../src/runtime/live/live-target';
import { onFreePorts, settledLeader } from '../../../src/runtime/live/raft-failover';

// A scenario played live, as the simulator plays it: three `geolab node` processes (Raft, one
// replica per region) through the embedded Toxiproxy, faults on a real-time Scheduler. It
// cuts eu-west-1 off for 3 s and heals it by name, then kills whoever leads for 2 s.
const topologyText = `
name: live-target
regions:
  - name: us-east-1
    replicas: 1
  - name: eu-west-1
    replicas: 1
  - name: ap-southeast-1
    replicas: 1
latency:
  preset: aws
replication:
  mode: single-leader
  protocol: raft
  leaderRegion: us-east-1
  reads: read-index
  electionTimeout: 1s
  heartbeatInterval: 100ms
  preVote: true
  checkQuorum: true
`;

const scenarioText = `
name: cut-then-crash
steps:
  - name: cut
    at: 1s
    partition:
      isolate: eu-west-1
      mode: blackhole
  - at: 4s
    heal: cut
  - name: crash
    at: 8s
    for: 2s
    kill: leader
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A replica's clock as its GET /status shows it, minus this host's, in ms. */
function clockOffset(at: { host: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: at.host, port: at.port, path: '/status', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve((JSON.parse(body) as { clock: number }).clock - Date.now()));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

/** One write through `at`: its HTTP status, or 0 if it did not answer within `timeoutMs`. */
function put(at: { host: string; port: number }, key: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: at.host, port: at.port, path: `/kv/${key}`, method: 'PUT', timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(JSON.stringify(key));
  });
}

describe('LiveFaultTarget: a scenario on a live Raft cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-live-target-'));
  const source = join(dir, 'source.yaml');
  writeFileSync(source, topologyText);
  const { file, topology } = onFreePorts(source, dir);
  const ids = topology.nodes.map((n) => n.id);
  const watch = new LeadershipWatch(ids);
  const logs: string[] = [];
  let target: LiveFaultTarget | undefined;
  const cluster = new Cluster({
    topology,
    topologyFile: file,
    dataDir: join(dir, 'data'),
    log: (m) => logs.push(m),
    onEvent: (node, event) => {
      watch.record(node, event);
      target?.observe(node, event);
    },
  });
  const timers: NodeJS.Timeout[] = [];

  beforeAll(() => cluster.start(), 30_000);
  afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    await target?.settled();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  it('cuts and heals a region by name, and kills the leader, which comes back', async () => {
    const leader = await settledLeader(cluster, watch, topology, 15_000);
    const warnings: string[] = [];
    const live = new LiveFaultTarget(cluster, topology, { warn: (m) => warnings.push(m) });
    target = live;
    // The target joins a running cluster: tell it who leads, as its events would have.
    for (const id of ids) {
      const view = watch.view(id);
      if (view?.role !== undefined)
        live.observe(id, { kind: 'role', role: view.role, term: view.term });
    }
    expect(live.leader()).toBe(leader);
    expect(() => live.setLoss()).toThrow(UnsupportedFault);

    const parsed = parseScenario(scenarioText, 'cut-then-crash.yaml', topology);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
    const scheduler: Scheduler = {
      at: (ms, action) => {
        timers.push(setTimeout(action, Math.max(0, ms - live.now())));
      },
    };
    const warned: string[] = [];
    const windows = playScenario(parsed.scenario, live, scheduler, { warn: (m) => warned.push(m) });

    const cut = topology.nodes.find((n) => n.region === 'eu-west-1');
    if (!cut) throw new Error('no eu-west-1 replica');
    const viaCut = cluster.clientAddress('eu-west-1', cut.id);

    // Before the cut, a write through eu-west-1 commits.
    expect(await put(viaCut, 'before', 3000)).toBe(200);

    // During the cut (1 s to 4 s): eu-west-1's replica cannot reach the leader.
    await sleep(Math.max(0, 1500 - live.now()));
    await live.settled();
    const during = await put(viaCut, 'during', 1500);
    expect(during).not.toBe(200);
    expect(live.now()).toBeLessThan(4000);

    // After the heal: it commits again, before the crash at 8 s.
    await sleep(Math.max(0, 4200 - live.now()));
    await live.settled();
    let after = 0;
    while (after !== 200 && live.now() < 7800) after = await put(viaCut, 'after', 1000);
    expect(after).toBe(200);

    // The crash: whoever leads at 8 s is killed, and restarted at 10 s.
    await sleep(Math.max(0, 7800 - live.now()));
    const leading = watch.agreedLeader(ids);
    expect(leading).toBe(live.leader());
    expect(leading).toBe(leader);
    await sleep(Math.max(0, 9000 - live.now()));
    await live.settled();
    expect(cluster.isRunning(leader)).toBe(false);
    await sleep(Math.max(0, 10_200 - live.now()));
    await live.settled();
    expect(cluster.isRunning(leader)).toBe(true);
    const newLeader = await watch.waitFor(
      () => {
        const agreed = watch.agreedLeader(ids);
        return agreed !== undefined && watch.view(agreed)?.role === 'leader' ? agreed : undefined;
      },
      10_000,
      'one leader followed by all three replicas',
    );
    expect(live.leader()).toBe(newLeader);
    const via = cluster.clientAddress(
      topology.nodes.find((n) => n.id === leader)?.region ?? '',
      leader,
    );
    let back = 0;
    for (let i = 0; i < 10 && back !== 200; i++) back = await put(via, 'back', 1000);
    expect(back).toBe(200);

    expect(warned).toEqual([]);
    expect(warnings).toEqual([]);
    const near = (got: number | undefined, want: number) => {
      expect(got).toBeDefined();
      expect(Math.abs((got ?? 0) - want)).toBeLessThan(300);
    };
    expect(windows.map((w) => [w.name, w.kind])).toEqual([
      ['cut', 'partition'],
      ['crash', 'kill'],
    ]);
    near(windows[0].startMs, 1000);
    near(windows[0].endMs, 4000);
    near(windows[1].startMs, 8000);
    near(windows[1].endMs, 10_000);
    expect(windows[1].detail).toBe(`kill ${leader}`);
    expect(live.records.map((r) => [r.f, r.value])).toEqual([
      ['start-partition', 'blackhole eu-west-1 / the rest'],
      ['heal', null],
      ['kill', [leader]],
      ['recover', [leader]],
    ]);
    // No fault toxic is left.
    for (const [, state] of await cluster.fabric.snapshot()) {
      expect(state.enabled).toBe(true);
      for (const t of state.toxics) expect(t.name).toMatch(/^geolab_latency_/);
    }
  }, 40_000);

  it('steps a replica’s clock, pauses and resumes it; drift and loss are unsupported', async () => {
    const live = target ?? new LiveFaultTarget(cluster, topology);
    const node = topology.nodes.find((n) => n.region === 'ap-southeast-1');
    if (!node) throw new Error('no ap-southeast-1 replica');
    const at = cluster.clientAddress(node.region, node.id);
    const before = await clockOffset(at);
    live.skewClock(node.id, 60_000);
    await live.settled();
    let offset = before;
    for (let i = 0; i < 20 && offset - before < 59_000; i++) {
      await sleep(50);
      offset = await clockOffset(at);
    }
    expect(Math.abs(offset - before - 60_000)).toBeLessThan(1000);
    live.skewClock(node.id, -60_000);
    expect(() => live.driftClock(node.id, 0.01)).toThrow(UnsupportedFault);
    expect(() => live.setLoss()).toThrow(UnsupportedFault);

    live.pause(node.id);
    await live.settled();
    expect(live.leader()).not.toBe(node.id);
    expect(await put(at, 'paused', 800)).toBe(0);
    live.resume(node.id);
    await live.settled();
    let status = 0;
    for (let i = 0; i < 10 && status !== 200; i++) status = await put(at, 'resumed', 1000);
    expect(status).toBe(200);
    expect(Math.abs((await clockOffset(at)) - before)).toBeLessThan(1000);
  }, 20_000);
});
