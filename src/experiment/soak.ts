/**
 * A soak: the live cluster of `geolab run` (one process per replica, every link through the
 * proxy) under a steady open-loop load and a random nemesis for a long time, built to run
 * for as long as asked in bounded memory. The history streams to history.jsonl as it happens
 * (nothing of it is kept), the workload starts a fresh key space every window so the history
 * is checked window by window afterwards (window-check.ts), and the resident memory of the
 * orchestrator and of every replica is sampled throughout. At the end every fault is healed,
 * the newest window's keys are read from every region (convergence, and lost writes judged
 * by the checker), the cluster is stopped, and every process and port it used is checked to
 * be released.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { playScenario } from '../faults/play';
import type { Scheduler } from '../faults/target';
import type { FaultWindow, Scenario } from '../faults/types';
import { Cluster } from '../runtime/live/cluster';
import { LeadershipWatch } from '../runtime/live/leadership-watch';
import { readEveryKey, runLiveWorkload } from '../runtime/live/live-workload';
import { heldPorts, type HeldPort } from '../runtime/live/port-holders';
import { alive, rssBytes } from '../runtime/live/process-check';
import { faultTargetFor, waitUntilServing } from '../runtime/live/serving';
import { modeIdOf, type Topology } from '../topology';
import { sameValue, type HistoryOp, type Value } from '../workload/history';
import { formatJsonlLine } from '../workload/history/jsonl';
import { keyWindowOf } from '../workload/key-windows';
import { checkWindows, type WindowCheckResult } from './window-check';

export interface SoakOptions {
  readonly topology: Topology;
  readonly topologyFile: string;
  /** The mode id the topology was loaded with (passed on to the replica processes). */
  readonly mode?: string;
  readonly durationMs: number;
  /** Ops per second offered by all clients together (Poisson arrivals, open loop). */
  readonly rate: number;
  /** A nemesis scenario's `until` is stretched to 5 s before the end of the run. */
  readonly scenario?: Scenario;
  /** Where history.jsonl and the replicas' data go. */
  readonly dir: string;
  /**
   * Keys per window, overriding the topology's: more keys means fewer concurrent ops on each,
   * so each key's search stays small at a high rate.
   */
  readonly keys?: number;
  /** A fresh key space this often (ms); default 10 s. */
  readonly keyWindowMs?: number;
  /** Memory is sampled this often (ms); default 10 s. */
  readonly sampleEveryMs?: number;
  readonly seed?: string | number;
  readonly log?: (message: string) => void;
}

/** Resident memory at one moment (bytes); a replica that is down has none. */
export interface MemorySample {
  readonly atMs: number;
  readonly orchestrator: number;
  readonly replicas: Readonly<Record<string, number | null>>;
}

export interface SoakResult {
  readonly mode: string;
  readonly durationMs: number;
  readonly wallMs: number;
  readonly offeredRate: number;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly memory: MemorySample[];
  /** Faults the nemesis played, and how many of them were crashes. */
  readonly faults: { readonly total: number; readonly crashes: number };
  /** Replicas that exited when nothing killed them: a crash of geolab's own. */
  readonly unexpectedExits: string[];
  readonly released: { readonly processesLeft: number[]; readonly portsHeld: HeldPort[] };
  readonly check: WindowCheckResult;
  /** The newest window's keys read from every region after the heal. */
  readonly convergence: { readonly keys: number; readonly diverged: string[] };
  readonly historyFile: string;
}

/** Runs the soak; the cluster is stopped whatever happens. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { topology } = options;
  const wallStart = performance.now();
  const windowMs = options.keyWindowMs ?? 10_000;
  const log = options.log ?? (() => undefined);
  const unexpectedExits: string[] = [];
  const ids = topology.nodes.map((n) => n.id);
  const watch = new LeadershipWatch(ids);
  let target: ReturnType<typeof faultTargetFor> | undefined;
  const cluster = new Cluster({
    topology,
    topologyFile: options.topologyFile,
    mode: options.mode,
    dataDir: join(options.dir, 'data'),
    log: (line) => {
      if (/^replica \S+ exited \(/.test(line)) unexpectedExits.push(line);
      log(line);
    },
    onEvent: (node, event) => {
      watch.record(node, event);
      target?.observe(node, event);
    },
  });
  const historyFile = join(options.dir, 'history.jsonl');
  const history = createWriteStream(historyFile);
  const ops = { ok: 0, fail: 0, info: 0 };
  let newestWindow = -1;
  let newestKeys = new Set<string>();
  const write = (op: HistoryOp): void => {
    history.write(formatJsonlLine(op));
    if (op.type !== 'invoke') ops[op.type]++;
    const n = typeof op.key === 'string' ? keyWindowOf(op.key) : undefined;
    if (n === undefined) return;
    if (n > newestWindow) [newestWindow, newestKeys] = [n, new Set()];
    if (n === newestWindow) newestKeys.add(op.key as string);
  };
  const memory: MemorySample[] = [];
  const timers: NodeJS.Timeout[] = [];
  let faults: FaultWindow[] = [];
  // Both set at the end of the try block; an error on the way is thrown past the return.
  let converged!: SoakResult['convergence'];
  let released!: SoakResult['released'];
  try {
    await cluster.start();
    await waitUntilServing(cluster, watch, topology);
    const origin = performance.now();
    const live = faultTargetFor(cluster, topology, watch, log);
    target = live;
    const sample = (): void => {
      const replicas: Record<string, number | null> = {};
      for (const n of cluster.nodes()) {
        replicas[n.id] = cluster.isRunning(n.id) ? (rssBytes(n.pid) ?? null) : null;
      }
      const atMs = Math.round(performance.now() - origin);
      memory.push({ atMs, orchestrator: process.memoryUsage().rss, replicas });
    };
    sample();
    timers.push(setInterval(sample, options.sampleEveryMs ?? 10_000));
    const scheduler: Scheduler = {
      at: (ms, action) => {
        timers.push(setTimeout(action, Math.max(0, ms - (performance.now() - origin))));
      },
    };
    if (options.scenario !== undefined) {
      faults = playScenario(stretched(options.scenario, options.durationMs), live, scheduler, {
        warn: log,
      });
    }
    const clients = topology.regions.reduce((sum, r) => sum + r.clients, 0);
    await runLiveWorkload({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      durationMs: options.durationMs,
      workload: {
        rate: options.rate / Math.max(1, clients),
        ...(options.keys === undefined ? {} : { keys: options.keys }),
      },
      seed: options.seed,
      origin,
      onRecord: write,
      keyWindowMs: windowMs,
      retain: false,
    });
    sample();
    for (const t of timers) clearTimeout(t);
    live.heal();
    await live.settled();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const keys = [...newestKeys].sort();
    const finals = await readEveryKey({
      topology,
      clientAddress: (region, node) => cluster.clientAddress(region, node),
      keys,
      origin,
      firstProcess: 1_000_000_000,
      onRecord: write,
    });
    converged = convergence(keys, finals);
    released = await stopAndCheckReleased(cluster);
  } finally {
    for (const t of timers) clearTimeout(t);
    await target?.settled().catch(() => undefined);
    await cluster.stop();
    history.end();
    await once(history, 'close');
  }
  const check = await checkWindows(historyFile);
  return {
    mode: modeIdOf(topology.replication),
    durationMs: options.durationMs,
    wallMs: performance.now() - wallStart,
    offeredRate: options.rate,
    ops,
    memory,
    faults: { total: faults.length, crashes: faults.filter((f) => f.kind === 'crash').length },
    unexpectedExits,
    released,
    check,
    convergence: converged,
    historyFile,
  };
}

/** A nemesis that lasts until 5 s before the end of a run of `durationMs`. */
export function stretched(scenario: Scenario, durationMs: number): Scenario {
  const nemesis = scenario.nemesis;
  if (nemesis === undefined) return scenario;
  return {
    ...scenario,
    nemesis: { ...nemesis, untilMs: Math.max(nemesis.fromMs, durationMs - 5000) },
  };
}

/** Keys whose final reads differ between regions (or failed in some region). */
export function convergence(
  keys: readonly string[],
  finals: readonly HistoryOp[],
): { keys: number; diverged: string[] } {
  const seen = new Map<string, { value: Value; count: number }[]>();
  for (const op of finals) {
    if (op.type !== 'ok' || typeof op.key !== 'string') continue;
    let values = seen.get(op.key);
    if (values === undefined) seen.set(op.key, (values = []));
    const same = values.find((v) => sameValue(v.value, op.value));
    if (same === undefined) values.push({ value: op.value, count: 1 });
    else same.count++;
  }
  const regions = new Set(finals.map((op) => op.region)).size;
  const diverged = keys.filter((key) => {
    const values = seen.get(key) ?? [];
    return values.length !== 1 || values[0].count !== regions;
  });
  return { keys: keys.length, diverged };
}

/**
 * Stops the cluster, then checks that each of its processes has gone and each port it
 * listened on (replicas, the proxy API and every proxy) can be bound again.
 */
async function stopAndCheckReleased(cluster: Cluster): Promise<SoakResult['released']> {
  const nodes = cluster.nodes();
  const ports = new Set<number>(nodes.map((n) => n.port));
  const api = new URL(cluster.toxiproxyUrl);
  ports.add(Number(api.port));
  const proxies = (await (await fetch(`${cluster.toxiproxyUrl}/proxies`)).json()) as Record<
    string,
    { listen: string }
  >;
  for (const p of Object.values(proxies))
    ports.add(Number(p.listen.slice(p.listen.lastIndexOf(':') + 1)));
  await cluster.stop();
  const processesLeft = nodes.map((n) => n.pid).filter((pid) => pid > 0 && alive(pid));
  const portsHeld = await heldPorts([...ports].filter((port) => port > 0));
  return { processesLeft, portsHeld };
}
