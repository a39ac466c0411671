import { get } from 'node:http';
import { dialAddress } from '../proxy/links';
import type { Cluster } from '../runtime/live/cluster';
import type { LiveFaultTarget } from '../runtime/live/live-target';
import type { FaultWindow } from '../faults/types';
import type { LeadershipWatch } from '../runtime/live/leadership-watch';
import { runLiveWorkload } from '../runtime/live/live-workload';
import { modeIdOf, rttMs, type Topology } from '../topology';
import type { HistoryOp } from '../workload/history';
import { FaultBoard } from './fault-board';
import { OpStats } from './op-stats';
import type { Control, EventFrame, HelloFrame, StateFrame } from './protocol';
import { ReplicaBoard } from './replica-board';
import { ControlError, EventLog, type DashboardSession } from './session';

export interface LiveSessionOptions {
  readonly topology: Topology;
  readonly cluster: Cluster;
  readonly target: LiveFaultTarget;
  /** performance.now() at the run's start: history times and the frames' `t` count from it. */
  readonly origin: number;
  /**
   * Run the topology's workload continuously, in windows (`geolab up`, `geolab demo`); off
   * when the caller drives its own (`geolab run`) and passes its records to `record`.
   */
  readonly workload: boolean;
  readonly seed?: number | string;
  readonly demo?: boolean;
  /** Every history record of the session's own workload (metrics). */
  readonly onRecord?: (op: HistoryOp) => void;
}

/** Scenario faults are listed with ids from here (the dashboard's own count from 1). */
const SCENARIO_FAULT_IDS = 1_000_000;
/** How long each window of the continuous workload runs (ms). */
const WINDOW_MS = 5000;
/** How often each replica's /status is read for its measured round trips (ms). */
const POLL_MS = 1000;
/** A round-trip sample older than this is not "measured now" (a cut link has none). */
const FRESH_MS = 3000;
/** The largest replica /status body read: some 20 KiB at 108 replicas. */
const MAX_REPLICA_JSON_BYTES = 1024 * 1024;

/**
 * A live cluster on the dashboard: roles and leaders from the replicas' events, per-region
 * figures from the clients' history, controls through the LiveFaultTarget, and per-link
 * round trips measured by the replicas themselves (their ping/pong probe, read from each
 * replica's /status, asked directly rather than through the fabric).
 */
export class LiveSession implements DashboardSession {
  private readonly log: EventLog;
  private readonly replicas: ReplicaBoard;
  private readonly faults: FaultBoard;
  private readonly stats: OpStats;
  /** Measured RTT (ms) per node pair `a>b`, and when (performance.now). */
  private readonly rtt = new Map<string, { ms: number; at: number }>();
  private readonly poller: NodeJS.Timeout;
  private workload: Promise<void> = Promise.resolve();
  private scenario = new Map<string, FaultWindow>();
  private stopped = false;
  private window = 0;

  constructor(private readonly options: LiveSessionOptions) {
    const { topology } = options;
    this.log = new EventLog(() => this.now());
    this.stats = new OpStats(topology.regions.map((r) => r.name));
    this.replicas = new ReplicaBoard(topology, this.log, (node) =>
      this.stats.conflict(options.target.regionOf(node)),
    );
    this.faults = new FaultBoard(options.target, topology, this.log, () => this.leader());
    this.poller = setInterval(() => void this.pollRtt(), POLL_MS);
    if (options.workload) this.workload = this.runWorkload();
  }

  /** Feed every event of the Cluster's `onEvent` here. */
  observe(node: string, event: unknown): void {
    this.replicas.observe(node, event);
  }

  /** A session joins a running cluster: what each replica said last, as its events would. */
  primeFrom(watch: LeadershipWatch): void {
    for (const id of watch.nodes) {
      const view = watch.view(id);
      if (view?.role !== undefined)
        this.observe(id, { kind: 'role', role: view.role, term: view.term });
    }
  }

  /**
   * The scenario's faults active now (`geolab run`): shown with the dashboard's own, and
   * their starts and ends told on the timeline.
   */
  scenarioFaults(active: readonly FaultWindow[]): void {
    const now = new Map(active.map((f) => [`${f.name} (${f.detail})`, f]));
    for (const [name, f] of now) {
      if (!this.scenario.has(name))
        this.log.say(kindOf(String(f.kind)), `scenario: ${name} begins`);
    }
    for (const name of this.scenario.keys()) {
      if (!now.has(name)) this.log.say('heal', `scenario: ${name} ends`);
    }
    this.scenario = now;
  }

  /** Feed the history records of a workload the caller runs (`geolab run`). */
  record(op: HistoryOp): void {
    this.stats.record(op);
  }

  /** Say something on the timeline (a scenario's step, the run's end). */
  say(kind: EventFrame['kind'], text: string): void {
    this.log.say(kind, text);
  }

  hello(): HelloFrame {
    return {
      type: 'hello',
      runtime: 'live',
      topology: describeTopology(this.options.topology),
      clock: 'real',
      measured:
        'round trips the replicas measure themselves (ping/pong through the proxies), averaged over each region pair',
      ...(this.options.demo ? { demo: { story: 'partition' as const } } : {}),
    };
  }

  snapshot(): StateFrame {
    const now = this.now();
    const isUp = (n: string) => this.options.cluster.isRunning(n) && !this.faults.isKilled(n);
    return {
      type: 'state',
      t: Math.round(now),
      nodes: this.replicas.nodes(isUp, () => null),
      links: this.faults.links((a, b) => this.measured(a, b)),
      stats: this.stats.stats(now),
      faults: [
        ...this.faults.faults(),
        ...[...this.scenario.entries()].map(([name, f], i) => ({
          id: SCENARIO_FAULT_IDS + i,
          kind: String(f.kind),
          detail: `scenario: ${name}`,
          startMs: Math.round(f.startMs),
        })),
      ],
    };
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    return this.log.onEvent(listener);
  }

  recentEvents(): readonly EventFrame[] {
    return this.log.events();
  }

  async control(control: Control): Promise<void> {
    if (control.type === 'sim') {
      throw new ControlError('a live cluster runs in real time: no pause or step');
    }
    if (control.type === 'heal' && (control.fault ?? 0) >= SCENARIO_FAULT_IDS) {
      throw new ControlError('a scenario’s fault ends on the scenario’s schedule');
    }
    this.faults.apply(control);
    await this.options.target.settled();
  }

  /** Stops the workload and the polling; the caller stops the cluster. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    this.replicas.close();
  }

  /** Resolves once the session's own workload has finished its window (after close). */
  async drained(): Promise<void> {
    await this.workload;
  }

  private now(): number {
    return performance.now() - this.options.origin;
  }

  private leader(): string | undefined {
    return this.replicas.leader(
      (n) => this.options.cluster.isRunning(n) && !this.faults.isKilled(n),
    );
  }

  private async runWorkload(): Promise<void> {
    const { topology, cluster } = this.options;
    while (!this.stopped) {
      const window = this.window++;
      await runLiveWorkload({
        topology,
        clientAddress: (region, node) => cluster.clientAddress(region, node),
        // Until the window's end, on the session's clock.
        durationMs: this.now() + WINDOW_MS,
        origin: this.options.origin,
        seed: `${String(this.options.seed ?? 1)}-${window}`,
        // Each window writes its own keys: values are unique within a window only.
        keyPrefix: `w${window}-`,
        onRecord: (op) => {
          if (this.stopped) return;
          this.stats.record(op);
          this.options.onRecord?.(op);
        },
      }).catch((err: unknown) => {
        this.log.say('info', `the clients stopped: ${(err as Error).message}`);
        this.stopped = true;
      });
    }
  }

  /** The mean fresh RTT over every node pair between two regions, or null. */
  private measured(from: string, to: string): number | null {
    const { topology } = this.options;
    const a = topology.nodes.filter((n) => n.region === from).map((n) => n.id);
    const b = topology.nodes.filter((n) => n.region === to).map((n) => n.id);
    const fresh: number[] = [];
    const now = performance.now();
    for (const x of a) {
      for (const y of b) {
        if (x === y) continue;
        const m = this.rtt.get(`${x}>${y}`);
        if (m && now - m.at < FRESH_MS) fresh.push(m.ms);
      }
    }
    if (fresh.length === 0) return null;
    return Math.round((fresh.reduce((s, x) => s + x, 0) / fresh.length) * 10) / 10;
  }

  private async pollRtt(): Promise<void> {
    const { topology, cluster } = this.options;
    await Promise.all(
      cluster.nodes().map(async (n) => {
        if (!cluster.isRunning(n.id) || n.port === 0) return;
        const host = topology.nodes.find((t) => t.id === n.id)?.host ?? '127.0.0.1';
        const status = await getJson(dialAddress(`${host}:${n.port}`).host, n.port, '/status');
        const peers = (status as { rtt?: Record<string, unknown> } | undefined)?.rtt;
        if (typeof peers !== 'object' || peers === null) return;
        const reportedAt = (status as { clock?: unknown }).clock;
        for (const [peer, value] of Object.entries(peers)) {
          const rtt = (value as { rtt?: { lastMs?: unknown; at?: unknown } }).rtt;
          if (typeof rtt?.lastMs !== 'number' || typeof rtt.at !== 'number') continue;
          // The sample's age on the replica's own clock: a cut link stops producing samples.
          const age = typeof reportedAt === 'number' ? reportedAt - rtt.at : 0;
          this.rtt.set(`${n.id}>${peer}`, { ms: rtt.lastMs, at: performance.now() - age });
        }
      }),
    );
  }
}

export function describeTopology(topology: Topology): HelloFrame['topology'] {
  const rtt: { a: string; b: string; ms: number }[] = [];
  topology.regions.forEach((a, i) => {
    for (const b of topology.regions.slice(i)) {
      rtt.push({ a: a.name, b: b.name, ms: rttMs(topology.latency, a.name, b.name) });
    }
  });
  return {
    name: topology.name,
    mode: modeIdOf(topology.replication),
    regions: topology.regions.map((r) => ({ name: r.name, nodes: [...r.nodes] })),
    rtt,
  };
}

function kindOf(fault: string): EventFrame['kind'] {
  if (/partition|isolate|bridge|ring|split/.test(fault)) return 'partition';
  if (/latency|delay|slow|jitter/.test(fault)) return 'latency';
  if (/kill|crash/.test(fault)) return 'kill';
  return 'info';
}

function getJson(host: string, port: number, path: string): Promise<unknown> {
  return new Promise((resolve) => {
    const req = get({ host, port, path, timeout: 800 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        // A replica's status is some KiB; more is not one, and is not read.
        if (body.length > MAX_REPLICA_JSON_BYTES) req.destroy();
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
