/**
 * An experiment on real processes: the cluster of `geolab up` (one process per replica, every
 * link through the proxy), the topology's workload from every region over WebSockets, a
 * scenario's faults played by LiveFaultTarget on a wall-clock scheduler, then every fault
 * healed, a pause, and a final read of every key from every region, as the simulated runner
 * does (sim-experiment.ts). Live runs see no individual peer messages (the proxy carries
 * bytes), so their reports have no message counts or space-time diagram.
 */
import { playScenario } from '../faults/play';
import type { Scheduler } from '../faults/target';
import type { FaultWindow, Scenario } from '../faults/types';
import type { ReplicaEvent } from '../core/events';
import { Cluster } from '../runtime/live/cluster';
import { LeadershipWatch } from '../runtime/live/leadership-watch';
import type { LiveFaultTarget } from '../runtime/live/live-target';
import { readEveryKey, runLiveWorkload } from '../runtime/live/live-workload';
import { faultTargetFor, waitUntilServing } from '../runtime/live/serving';
import { modeIdOf, type Topology } from '../topology';
import type { HistoryOp } from '../workload/history';
import { keepEvent, type ExperimentData, type StampedEvent } from './data';
import { finalReadsAt } from './plan';

export interface LiveExperimentOptions {
  readonly topologyFile: string;
  readonly durationMs: number;
  readonly rate?: number;
  readonly scenario?: Scenario;
  readonly dataDir: string;
  readonly toxiproxyUrl?: string;
  /** The mode id the topology was loaded with (passed on to the replica processes). */
  readonly mode?: string;
  readonly seed: string | number;
  readonly log: (message: string) => void;
  /** Every history record as it happens, and the faults active now: for a progress bar. */
  readonly onRecord?: (op: HistoryOp) => void;
  readonly onFaults?: (active: readonly FaultWindow[]) => void;
  /** The cluster is up and the clients start now. */
  readonly onStart?: () => void;
  /** Every event a replica reports (role and leader changes), as the cluster passes it on. */
  readonly onEvent?: (node: string, event: unknown) => void;
  /** The cluster, its fault target and the run's time origin, once up (the dashboard). */
  readonly onLive?: (live: {
    readonly cluster: Cluster;
    readonly target: LiveFaultTarget;
    readonly origin: number;
    readonly watch: LeadershipWatch;
  }) => void;
}

/** Runs the experiment; the cluster is stopped whatever happens (and on SIGINT/SIGTERM). */
export async function runLiveExperiment(
  topology: Topology,
  options: LiveExperimentOptions,
): Promise<ExperimentData> {
  const wallStart = performance.now();
  const startedAt = new Date().toISOString();
  const events: StampedEvent[] = [];
  const ids = topology.nodes.map((n) => n.id);
  const watch = new LeadershipWatch(ids);
  let origin: number | undefined;
  let target: LiveFaultTarget | undefined;
  const cluster = new Cluster({
    topology,
    topologyFile: options.topologyFile,
    mode: options.mode,
    toxiproxyUrl: options.toxiproxyUrl,
    dataDir: options.dataDir,
    log: options.log,
    onEvent: (node, event) => {
      watch.record(node, event);
      target?.observe(node, event);
      options.onEvent?.(node, event);
      const ev = event as ReplicaEvent;
      if (origin !== undefined && typeof ev === 'object' && ev !== null && keepEvent(ev)) {
        events.push({ node, at: performance.now() - origin, event: ev });
      }
    },
  });
  const timers: NodeJS.Timeout[] = [];
  const stop = (): void => void cluster.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await cluster.start();
    await waitUntilServing(cluster, watch, topology);
    const warnings: string[] = [];
    origin = performance.now();
    const runOrigin = origin;
    const live = faultTargetFor(cluster, topology, watch, (m) => warnings.push(m));
    target = live;
    options.onLive?.({ cluster, target: live, origin: runOrigin, watch });
    const scheduler: Scheduler = {
      at: (ms, action) => {
        timers.push(setTimeout(action, Math.max(0, ms - (performance.now() - runOrigin))));
      },
    };
    let faults: FaultWindow[] = [];
    if (options.scenario !== undefined) {
      faults = playScenario(options.scenario, live, scheduler, {
        warn: (m) => warnings.push(m),
      });
    }
    const watchFaults = setInterval(() => {
      const t = performance.now() - runOrigin;
      options.onFaults?.(
        faults.filter((f) => f.startMs <= t && (f.endMs === undefined || f.endMs > t)),
      );
    }, 250);
    timers.push(watchFaults);
    const address = (region: string, node: string) => cluster.clientAddress(region, node);
    options.onStart?.();
    const history = await runLiveWorkload({
      topology,
      clientAddress: address,
      durationMs: options.durationMs,
      workload: options.rate === undefined ? undefined : { rate: options.rate },
      seed: options.seed,
      origin: runOrigin,
      onRecord: options.onRecord,
    });
    // After the workload and the scenario's last step: heal everything, let replication
    // catch up, then read every key from every region.
    const readsAt =
      finalReadsAt(topology, options.scenario, options.durationMs) - topology.clientTimeoutMs;
    await sleep(readsAt - (performance.now() - runOrigin) - 3000);
    live.heal();
    await live.settled();
    await sleep(3000);
    const keys = [
      ...new Set(history.filter((op) => op.key !== undefined).map((op) => String(op.key))),
    ].sort();
    const lastProcess = Math.max(
      0,
      ...history.map((op) => (typeof op.process === 'number' ? op.process : 0)),
    );
    const finals = await readEveryKey({
      topology,
      clientAddress: address,
      keys,
      origin: runOrigin,
      firstProcess: lastProcess + 1,
      onRecord: options.onRecord,
    });
    const nemesis: HistoryOp[] = live.records.map((r) => ({
      process: 'nemesis',
      type: 'info',
      f: r.f,
      value: r.value,
      time: r.timeMs,
    }));
    return {
      topology,
      mode: modeIdOf(topology.replication),
      runtime: 'live',
      seed: options.seed,
      startedAt,
      durationMs: options.durationMs,
      wallMs: performance.now() - wallStart,
      scenario: options.scenario && { name: options.scenario.name, file: options.scenario.file },
      history: mergeByTime(history, nemesis, finals),
      faults,
      events,
      messages: { total: 0, byType: {} },
      messageSample: { fromMs: 0, untilMs: 0, list: [] },
      warnings,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    await target?.settled().catch(() => undefined);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await cluster.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Histories in time order (each already is); equal times keep the arguments' order. */
function mergeByTime(...parts: readonly (readonly HistoryOp[])[]): HistoryOp[] {
  return parts
    .flatMap((part, p) => part.map((op, i) => ({ op, p, i })))
    .sort((a, b) => a.op.time - b.op.time || a.p - b.p || a.i - b.i)
    .map((x) => x.op);
}
