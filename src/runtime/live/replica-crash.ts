import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../core/random';
import { parseTopology, type Topology } from '../../topology';
import type { HistoryOp } from '../../workload/history';
import { Cluster } from './cluster';
import { LeadershipWatch } from './leadership-watch';
import { readEveryKey, runLiveWorkload } from './live-workload';
import { leftover } from './orchestrator-crash';
import { settledLeader } from './raft-failover';
import { checkCrashRun, type CrashCheck } from './replica-crash-check';

/**
 * Crash safety of geolab's replicas: on a fresh live Raft cluster, clients append unique
 * values to a few lists from every region while one, two or three replicas get `kill -9` at
 * seeded random moments (the leader or a follower, sometimes the instant an append is
 * acknowledged, sometimes while another one is still down, so that no majority is left),
 * each restarting over its own data directory after a random down time. Once the cluster
 * settles every region reads every list: every acknowledged append must be there, and the
 * history must be linearizable. Used by `npm run bench:crash-replicas` (100 runs) and a jest
 * test (3 runs).
 */

/** Three regions × `replicasPerRegion` Raft replicas on free ports, a list-append workload. */
export function replicaCrashTopology(replicasPerRegion: number, durationMs: number): string {
  return `name: replica-crash
regions:
  - { name: us-east-1, replicas: ${replicasPerRegion} }
  - { name: eu-west-1, replicas: ${replicasPerRegion} }
  - { name: ap-southeast-1, replicas: ${replicasPerRegion} }
latency: { preset: aws, jitter: 1ms }
network: { basePort: 0 }
toxiproxy: { port: 0 }
dashboard: { enabled: false }
metrics: { enabled: false }
replication:
  mode: single-leader
  protocol: raft
  leaderRegion: us-east-1
  reads: read-index
clients: { perRegion: 1 }
workload:
  keys: 4
  concurrency: 2
  duration: ${durationMs}ms
  mix: { read: 0.3, append: 0.7 }
`;
}

export type KillTarget = 'leader' | 'follower';

export interface PlannedKill {
  /** When, after the clients start, the kill is due. */
  readonly atMs: number;
  readonly target: KillTarget;
  /** Wait for the next acknowledged append after `atMs`, and kill the instant it arrives. */
  readonly afterAck: boolean;
  /** How long the replica stays down before it restarts. */
  readonly downMs: number;
}

/**
 * One to three kills in the first 60% of a `durationMs` workload (one half the time, two or
 * three otherwise), each of the leader or a follower with even odds, a third of them on an
 * acknowledgement, each down for 0–1.5 s: with three replicas, kills that overlap leave no
 * majority, and three that overlap take the whole cluster down.
 */
export function planKills(rng: Rng, durationMs: number): PlannedKill[] {
  const roll = rng.next();
  const count = roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3;
  const from = 300;
  const to = Math.max(from + 1, Math.floor(durationMs * 0.6));
  const kills: PlannedKill[] = [];
  for (let i = 0; i < count; i++) {
    kills.push({
      atMs: from + rng.below(to - from),
      target: rng.next() < 0.5 ? 'leader' : 'follower',
      afterAck: rng.next() < 1 / 3,
      downMs: rng.below(1500),
    });
  }
  return kills.sort((a, b) => a.atMs - b.atMs);
}

export interface KillRecord {
  readonly node: string;
  /** What the replica was when it was killed, as its own events said. */
  readonly role: string;
  readonly afterAck: boolean;
  /** When, after the clients started, it got SIGKILL. */
  readonly killedAtMs: number;
  /** Other replicas down at that moment. */
  readonly othersDown: number;
  /** From spawning it again over its data until it listened and its proxies led to it. */
  readonly restartMs: number;
}

export interface ReplicaCrashRun extends CrashCheck {
  readonly kills: readonly KillRecord[];
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  /** From the end of the clients until one leader was followed by every replica. */
  readonly settleMs: number;
  /** Replica processes left once the cluster stopped (command lines). */
  readonly leftover: readonly string[];
  /** Why the run could not finish (the cluster did not start or settle): not a verdict. */
  readonly error?: string;
}

export interface ReplicaCrashOptions {
  /** A fresh directory: the topology file and the replicas' data go there. */
  readonly dir: string;
  readonly rng: Rng;
  readonly replicasPerRegion?: number;
  /** How long the clients run (default 4 s). */
  readonly durationMs?: number;
  readonly log?: (message: string) => void;
}

/** One run: start, append under kills and restarts, settle, read every list, check. */
export async function replicaCrashRun(options: ReplicaCrashOptions): Promise<ReplicaCrashRun> {
  const durationMs = options.durationMs ?? 4000;
  const file = join(options.dir, 'replica-crash.yaml');
  const text = replicaCrashTopology(options.replicasPerRegion ?? 1, durationMs);
  writeFileSync(file, text);
  const parsed = parseTopology(text, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const topology = parsed.topology;
  const dataDir = join(options.dir, 'data');
  const watch = new LeadershipWatch(topology.nodes.map((n) => n.id));
  const cluster = new Cluster({
    topology,
    topologyFile: file,
    dataDir,
    log: options.log ?? (() => undefined),
    onEvent: (node, event) => watch.record(node, event),
  });
  const kills: KillRecord[] = [];
  let history: HistoryOp[] = [];
  let finalReads: HistoryOp[] = [];
  let settleMs = NaN;
  let error: string | undefined;
  try {
    await cluster.start();
    await settledLeader(cluster, watch, topology, 20_000);
    const faults = new Faults(cluster, watch, topology, options.rng.fork('targets'));
    const origin = performance.now();
    const workload = runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs,
      origin,
      seed: options.rng.uint32(),
      onRecord: (op) => {
        if (op.type === 'ok' && op.f === 'append') faults.acknowledged();
      },
    });
    const plan = planKills(options.rng.fork('plan'), durationMs);
    const done = await Promise.all(plan.map((k) => faults.run(k, origin)));
    for (const k of done) if (k !== undefined) kills.push(k);
    history = [...(await workload), ...faults.markers];
    history.sort((a, b) => a.time - b.time);
    const settleFrom = performance.now();
    await settledLeader(cluster, watch, topology, 20_000);
    settleMs = performance.now() - settleFrom;
    finalReads = await finalReadsOf(cluster, topology, history, origin);
  } catch (err) {
    error = (err as Error).message;
  } finally {
    await cluster.stop();
  }
  const ops = {
    ok: history.filter((h) => h.type === 'ok').length,
    fail: history.filter((h) => h.type === 'fail').length,
    info: history.filter((h) => h.type === 'info' && typeof h.process === 'number').length,
  };
  const check: CrashCheck =
    error === undefined
      ? checkCrashRun(history, finalReads)
      : { acknowledged: 0, lost: [], unread: [], linearizability: 'unknown' };
  return {
    ...check,
    kills,
    ops,
    settleMs,
    leftover: leftover(dataDir),
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * Every region reads every key the clients touched, through its own replica; keys a region
 * could not read (a timeout while a restarted replica catches up) are read again, up to
 * three passes.
 */
async function finalReadsOf(
  cluster: Cluster,
  topology: Topology,
  history: readonly HistoryOp[],
  origin: number,
): Promise<HistoryOp[]> {
  const keys = [...new Set(history.flatMap((h) => (h.key === undefined ? [] : [String(h.key)])))];
  let firstProcess =
    Math.max(0, ...history.map((h) => (typeof h.process === 'number' ? h.process : 0))) + 1;
  const reads: HistoryOp[] = [];
  let missing = keys;
  for (let pass = 0; pass < 3 && missing.length > 0; pass++) {
    const got = await readEveryKey({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      keys: missing,
      origin,
      firstProcess,
    });
    reads.push(...got);
    firstProcess = Math.max(firstProcess, ...got.map((h) => Number(h.process))) + 1;
    const readBy = (key: string): number =>
      new Set(reads.filter((r) => r.type === 'ok' && r.key === key).map((r) => r.region)).size;
    missing = missing.filter((key) => readBy(key) < topology.regions.length);
  }
  return reads;
}

/**
 * The nemesis: carries out planned kills one at a time (a kill or a restart holds a lock, so
 * that a restart's wait for its links never races another kill), and records each as
 * Jepsen-style markers (`process: "nemesis"`) for the history.
 */
class Faults {
  readonly markers: HistoryOp[] = [];
  private readonly down = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();
  private ackWaiters: (() => void)[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly watch: LeadershipWatch,
    private readonly topology: Topology,
    private readonly rng: Rng,
  ) {}

  /** An append was acknowledged: wake kills waiting for one. */
  acknowledged(): void {
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    for (const w of waiters) w();
  }

  async run(kill: PlannedKill, origin: number): Promise<KillRecord | undefined> {
    await sleep(origin + kill.atMs - performance.now());
    const killed = await this.locked(async () => {
      if (kill.afterAck) await this.nextAck(1000);
      const target = this.pick(kill.target);
      if (target === undefined) return undefined;
      const role = this.watch.view(target)?.role ?? 'unknown';
      const othersDown = this.down.size;
      this.down.add(target);
      const at = performance.now();
      await this.cluster.kill(target, 'SIGKILL');
      this.mark('kill', target, at - origin);
      return { node: target, role, othersDown, killedAtMs: at - origin };
    });
    if (killed === undefined) return undefined;
    await sleep(kill.downMs);
    const restartMs = await this.locked(async () => {
      const from = performance.now();
      // Only until it listens and its proxies lead to it: waiting for its links too would hold
      // the lock (and the next kill) for the peers' redial back-off, and cannot end while a
      // peer is down. The settle at the end waits until it follows the leader.
      await this.cluster.restartNode(killed.node, { linked: false });
      this.down.delete(killed.node);
      this.mark('restart', killed.node, performance.now() - origin);
      return performance.now() - from;
    });
    return { ...killed, afterAck: kill.afterAck, restartMs };
  }

  /** The running replica that says it leads (highest term), or a random running follower. */
  private pick(target: KillTarget): string | undefined {
    const running = this.topology.nodes
      .map((n) => n.id)
      .filter((id) => this.cluster.isRunning(id) && !this.down.has(id));
    const leaders = running
      .filter((id) => this.watch.view(id)?.role === 'leader')
      .sort((a, b) => (this.watch.view(b)?.term ?? 0) - (this.watch.view(a)?.term ?? 0));
    const others = running.filter((id) => !leaders.includes(id));
    const pool = target === 'leader' && leaders.length > 0 ? [leaders[0]] : others;
    const from = pool.length > 0 ? pool : running;
    return from.length === 0 ? undefined : from[this.rng.below(from.length)];
  }

  private mark(f: 'kill' | 'restart', node: string, time: number): void {
    const at = Math.round(time * 1000) / 1000;
    this.markers.push({ process: 'nemesis', type: 'info', f, value: node, time: at });
  }

  private nextAck(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.ackWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private locked<T>(task: () => Promise<T>): Promise<T> {
    const result = this.lock.then(task);
    this.lock = result.catch(() => undefined);
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
