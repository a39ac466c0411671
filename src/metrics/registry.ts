/**
 * geolab's Prometheus metrics (DESIGN §7): what clients saw (latency histograms, outcomes,
 * availability, stale reads), what replicas said about themselves (roles, terms, elections,
 * commit points, conflicts, replication lag, and every mode-specific `metric` event), and the
 * bytes the proxies carried between regions. One instance per run, on its own prom-client
 * Registry so that runs in one process never share series; whoever serves `/metrics` answers
 * with `text()` and `contentType`. docs/metrics.md lists every metric.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReplicaEvent, Role } from '../core/events';
import { planProxies } from '../proxy/links';
import type { ProxyTraffic } from '../proxy/server';
import { modeIdOf, type Topology } from '../topology';
import { CAS_MISMATCH, type HistoryOp } from '../workload/history';
import { exportedLabelName, exportedMetricName } from './names';
import { asReportedEvent } from './reported-event';
import { StaleReadDetector, type ReadVerdict } from './stale-reads';

/**
 * Client-side latency buckets (seconds): 1 ms (a local replica) to 10 s (a client timeout), dense
 * between 20 ms and 500 ms, where cross-region round trips (one or two of 60–300 ms) fall.
 */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75,
  1, 1.5, 2.5, 5, 10,
];

/** The window `geolab_client_availability_ratio` covers (ms). */
export const AVAILABILITY_WINDOW_MS = 10_000;

/** Distinct `error` label values kept per metric before the rest are counted as `other`. */
const MAX_ERROR_VALUES = 32;

export interface GeolabMetricsOptions {
  readonly topology: Topology;
  /** The clock of the availability window (ms); a simulator passes its virtual clock. */
  readonly now?: () => number;
  /** Read at every `text()`: the embedded Toxiproxy's byte counts (Cluster.proxyTraffic). */
  readonly traffic?: () => readonly ProxyTraffic[] | undefined;
}

/** A completed client op, as observeOp takes it. */
export interface ObservedOp {
  readonly region: string;
  /** The op's function: read, write, cas, … */
  readonly f: string;
  readonly type: 'ok' | 'fail' | 'info';
  /** From invocation to completion, as the client measured it. */
  readonly latencyMs: number;
  readonly error?: string;
}

interface ModeMetric {
  readonly metric: Counter<string> | Gauge<string>;
  readonly type: 'counter' | 'gauge';
  /** Sorted; always includes node and region. */
  readonly labelNames: readonly string[];
  readonly scale: number;
}

type Labels = Record<string, string>;

export class GeolabMetrics {
  readonly registry = new Registry();
  readonly mode: string;
  private readonly now: () => number;
  private readonly traffic: GeolabMetricsOptions['traffic'];
  private readonly regionOf: ReadonlyMap<string, string>;
  private readonly proxies: ReadonlyMap<string, { from: string; to: string; kind: string }>;

  private readonly opDuration: Histogram<string>;
  private readonly ops: Counter<string>;
  private readonly errors: Counter<string>;
  private readonly errorValues = new Set<string>();
  private readonly availability: Gauge<string>;
  private readonly window = new AvailabilityWindow(AVAILABILITY_WINDOW_MS);
  private readonly staleReads: Counter<string>;
  private readonly stale = new StaleReadDetector();
  private readonly elections: Counter<string>;
  private readonly role: Gauge<string>;
  private readonly term: Gauge<string>;
  private readonly commitIndex: Gauge<string>;
  private readonly lag: Gauge<string>;
  private readonly conflicts: Counter<string>;
  private readonly proxyBytes: Counter<string>;
  private readonly refused: Counter<string>;

  private readonly roles = new Map<string, { role: Role; term: number | undefined }>();
  private readonly lastTraffic = new Map<string, { up: number; down: number }>();
  private readonly modeMetrics = new Map<string, ModeMetric>();
  private readonly refusedNames = new Set<string>();

  constructor(options: GeolabMetricsOptions) {
    const { topology } = options;
    this.mode = modeIdOf(topology.replication);
    this.now = options.now ?? Date.now;
    this.traffic = options.traffic;
    this.regionOf = new Map(topology.nodes.map((n) => [n.id, n.region]));
    this.proxies = new Map(
      planProxies(topology).map((p) => [
        p.name,
        {
          from: p.src.region,
          to: this.regionOf.get(p.dst) ?? p.dst,
          kind: p.src.kind === 'node' ? 'peer' : 'client',
        },
      ]),
    );
    const registers = [this.registry];
    const opLabels = ['region', 'op', 'mode', 'outcome'];
    this.opDuration = new Histogram({
      name: 'geolab_client_op_duration_seconds',
      help: 'Client-observed latency from invocation to completion (ok, fail or info), seconds.',
      labelNames: opLabels,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.ops = new Counter({
      name: 'geolab_client_ops_total',
      help: 'Client ops completed, by outcome: ok, fail (definitely not applied), info (unknown).',
      labelNames: opLabels,
      registers,
    });
    this.errors = new Counter({
      name: 'geolab_client_errors_total',
      help: 'Client ops that failed or timed out, by the error the client recorded.',
      labelNames: ['region', 'op', 'mode', 'error'],
      registers,
    });
    const window = this.window;
    const now = this.now;
    const mode = this.mode;
    this.availability = new Gauge({
      name: 'geolab_client_availability_ratio',
      help: `Share of client ops completed ok in the last ${AVAILABILITY_WINDOW_MS / 1000} s (a cas that found another value counts as available).`,
      labelNames: ['region', 'mode'],
      registers,
      collect() {
        this.reset();
        for (const [region, ratio] of window.ratios(now())) this.set({ region, mode }, ratio);
      },
    });
    this.staleReads = new Counter({
      name: 'geolab_stale_reads_total',
      help: 'Reads that returned a value superseded by a write acknowledged before the read began.',
      labelNames: ['region', 'mode'],
      registers,
    });
    this.elections = new Counter({
      name: 'geolab_elections_total',
      help: 'Times a replica became leader (raft) or primary (async, semi-sync).',
      labelNames: ['mode'],
      registers,
    });
    this.role = new Gauge({
      name: 'geolab_replica_role',
      help: "1 for a replica's current role, 0 for roles it held before.",
      labelNames: ['node', 'region', 'role'],
      registers,
    });
    this.term = new Gauge({
      name: 'geolab_replica_term',
      help: "A replica's current term (raft) or epoch (primary-backup).",
      labelNames: ['node', 'region'],
      registers,
    });
    this.commitIndex = new Gauge({
      name: 'geolab_replica_commit_index',
      help: "A replica's commit point in its log (log-based modes).",
      labelNames: ['node', 'region'],
      registers,
    });
    this.lag = new Gauge({
      name: 'geolab_replication_lag',
      help: "How far a replica is behind: entries it is missing from the leader's or primary's log (raft, async), or seconds the last update took to arrive (multi-leader).",
      labelNames: ['node', 'region', 'unit'],
      registers,
    });
    this.conflicts = new Counter({
      name: 'geolab_conflicts_total',
      help: 'Concurrent writes a replica met and resolved, by resolver.',
      labelNames: ['region', 'resolver'],
      registers,
    });
    this.proxyBytes = new Counter({
      name: 'geolab_proxy_bytes_total',
      help: 'Bytes the embedded Toxiproxy forwarded, from region to region (peer: replica links; client: client requests and replies).',
      labelNames: ['from_region', 'to_region', 'kind'],
      registers,
    });
    this.refused = new Counter({
      name: 'geolab_metric_events_refused_total',
      help: "Replica metric events not exported: the name or labels are not Prometheus', or clash.",
      labelNames: ['metric'],
      registers,
    });
    // Series that exist from the start read 0 rather than "no data".
    this.elections.inc({ mode }, 0);
    for (const region of topology.regions) this.staleReads.inc({ region: region.name, mode }, 0);
  }

  /** The Content-Type of `text()` (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    const traffic = this.traffic?.();
    if (traffic !== undefined) this.collectProxy(traffic);
    return this.registry.metrics();
  }

  observeOp(op: ObservedOp): void {
    const labels = { region: op.region, op: op.f, mode: this.mode, outcome: op.type };
    this.opDuration.observe(labels, Math.max(0, op.latencyMs) / 1000);
    this.ops.inc(labels);
    if (op.type !== 'ok' && op.error !== CAS_MISMATCH) {
      this.errors.inc({ region: op.region, op: op.f, mode: this.mode, error: this.errorValue(op) });
    }
    // A cas that compared and found another value was served: available, if not applied.
    this.window.add(op.region, op.type === 'ok' || op.error === CAS_MISMATCH, this.now());
  }

  /**
   * One history event (client ops only count; nemesis markers are skipped), in history order:
   * each completion is observed as an op, and a stale read (stale-reads.ts) is counted.
   */
  observeHistoryEvent(event: HistoryOp): ReadVerdict | undefined {
    const done = this.stale.observeEvent(event);
    if (done === undefined) return undefined;
    const { op, verdict } = done;
    const region = op.region ?? 'unknown';
    this.observeOp({
      region,
      f: op.f,
      type: op.type,
      latencyMs: event.time - op.call,
      ...(op.error === undefined ? {} : { error: String(op.error) }),
    });
    if (verdict === 'stale') this.observeStaleRead(region);
    return verdict;
  }

  observeStaleRead(region: string): void {
    this.staleReads.inc({ region, mode: this.mode });
  }

  /** One event a replica emitted (core/events), as the runtime stamped it with the node. */
  observeEvent(node: string, region: string, event: ReplicaEvent): void {
    switch (event.kind) {
      case 'role':
        this.roleChanged(node, region, event.role, event.term);
        break;
      case 'leader':
        if (event.term !== undefined) this.term.set({ node, region }, event.term);
        break;
      case 'commit':
        if (event.index !== undefined) this.commitIndex.set({ node, region }, event.index);
        break;
      case 'conflict':
        this.conflicts.inc({ region, resolver: event.resolver });
        break;
      case 'metric':
        this.modeMetric(node, region, event);
        break;
      default:
        break;
    }
  }

  /**
   * An event as a live replica process reported it (`Cluster`'s `onEvent`: JSON from the child,
   * so unchecked): validated first, and dropped when malformed or from a node not in the
   * topology.
   */
  observeReportedEvent(node: string, event: unknown): void {
    const region = this.regionOf.get(node);
    const checked = asReportedEvent(event);
    if (region !== undefined && checked !== undefined) this.observeEvent(node, region, checked);
  }

  /**
   * The proxies' byte counts (cumulative, as ProxyTraffic gives them): the growth since the
   * last call is added per region pair. Proxy names are the fabric's (proxy/links.ts); others
   * are ignored. A count that went down (the proxy was recreated) starts over from 0.
   */
  collectProxy(stats: readonly ProxyTraffic[]): void {
    for (const s of stats) {
      const link = this.proxies.get(s.name);
      if (link === undefined) continue;
      const last = this.lastTraffic.get(s.name) ?? { up: 0, down: 0 };
      const up = s.upstreamBytes >= last.up ? s.upstreamBytes - last.up : s.upstreamBytes;
      const down =
        s.downstreamBytes >= last.down ? s.downstreamBytes - last.down : s.downstreamBytes;
      this.lastTraffic.set(s.name, { up: s.upstreamBytes, down: s.downstreamBytes });
      this.proxyBytes.inc({ from_region: link.from, to_region: link.to, kind: link.kind }, up);
      this.proxyBytes.inc({ from_region: link.to, to_region: link.from, kind: link.kind }, down);
    }
  }

  private roleChanged(node: string, region: string, role: Role, term: number | undefined): void {
    const before = this.roles.get(node);
    if (before !== undefined && before.role !== role) {
      this.role.set({ node, region, role: before.role }, 0);
    }
    this.role.set({ node, region, role }, 1);
    if (term !== undefined) this.term.set({ node, region }, term);
    const elected = role === 'leader' || role === 'primary';
    if (elected && (before?.role !== role || before.term !== term)) {
      this.elections.inc({ mode: this.mode });
      // The leader's own log is the reference: it is behind nobody.
      this.lag.set({ node, region, unit: 'entries' }, 0);
    }
    this.roles.set(node, { role, term });
  }

  private modeMetric(
    node: string,
    region: string,
    event: Extract<ReplicaEvent, { kind: 'metric' }>,
  ): void {
    if (this.refusedNames.has(event.name)) {
      this.refused.inc({ metric: event.name.slice(0, 64) });
      return;
    }
    const found = this.modeMetricFor(event);
    if (typeof found === 'string') {
      this.refusedNames.add(event.name);
      this.refused.inc({ metric: event.name.slice(0, 64) });
      return;
    }
    const labels: Labels = { node, region };
    for (const [k, v] of Object.entries(event.labels ?? {})) labels[exportedLabelName(k) ?? k] = v;
    if (Object.keys(labels).sort().join(',') !== found.labelNames.join(',')) {
      // A label set other than the first one's: prom-client fixes labels at creation.
      this.refused.inc({ metric: event.name.slice(0, 64) });
      return;
    }
    const value = event.value * found.scale;
    if (found.metric instanceof Counter) {
      if (value >= 0) found.metric.inc(labels, value);
    } else {
      found.metric.set(labels, value);
    }
    this.replicationLag(node, region, event);
  }

  /**
   * The modes' own lag measurements, as geolab_replication_lag: a raft leader's and an async
   * primary's count of entries each follower or backup is missing (reported under that peer),
   * and multi-leader's age of each update when it arrived (seconds, under the receiver).
   */
  private replicationLag(
    node: string,
    region: string,
    event: Extract<ReplicaEvent, { kind: 'metric' }>,
  ): void {
    const peer = event.labels?.follower ?? event.labels?.backup;
    if (
      (event.name === 'raft_follower_lag_entries' ||
        event.name === 'async_replication_lag_entries') &&
      peer !== undefined
    ) {
      const peerRegion = this.regionOf.get(peer) ?? 'unknown';
      this.lag.set({ node: peer, region: peerRegion, unit: 'entries' }, event.value);
    } else if (event.name === 'multileader_visibility_ms') {
      this.lag.set({ node, region, unit: 'seconds' }, event.value / 1000);
    }
  }

  /** The exported metric for a mode's metric event, created on first sight; or why not. */
  private modeMetricFor(event: Extract<ReplicaEvent, { kind: 'metric' }>): ModeMetric | string {
    const named = exportedMetricName(event.name, event.type);
    if (!named.ok) return named.reason;
    const existing = this.modeMetrics.get(named.name);
    if (existing !== undefined) {
      return existing.type === event.type ? existing : `${named.name} is a ${existing.type}`;
    }
    if (this.registry.getSingleMetric(named.name) !== undefined) {
      return `${named.name} is one of geolab's own metrics`;
    }
    const labelNames = ['node', 'region'];
    for (const k of Object.keys(event.labels ?? {})) {
      const label = exportedLabelName(k);
      if (label === undefined || labelNames.includes(label)) return `bad label name ${k}`;
      labelNames.push(label);
    }
    labelNames.sort();
    const config = {
      name: named.name,
      help: `${event.type === 'counter' ? 'Counted' : 'Measured'} by the ${this.mode} replicas (${event.name}).`,
      labelNames,
      registers: [this.registry],
    };
    const metric = event.type === 'counter' ? new Counter(config) : new Gauge(config);
    const created: ModeMetric = { metric, type: event.type, labelNames, scale: named.scale };
    this.modeMetrics.set(named.name, created);
    return created;
  }

  private errorValue(op: ObservedOp): string {
    const error = (op.error ?? (op.type === 'info' ? 'unknown' : 'failed')).slice(0, 64);
    if (this.errorValues.has(error)) return error;
    if (this.errorValues.size >= MAX_ERROR_VALUES) return 'other';
    this.errorValues.add(error);
    return error;
  }
}

/** Ok and total ops per region in one-second buckets, over the last `windowMs`. */
class AvailabilityWindow {
  private readonly buckets = new Map<string, { second: number; ok: number; total: number }[]>();

  constructor(private readonly windowMs: number) {}

  add(region: string, available: boolean, at: number): void {
    let list = this.buckets.get(region);
    if (list === undefined) this.buckets.set(region, (list = []));
    const second = Math.floor(at / 1000);
    let last = list.at(-1);
    if (last === undefined || last.second !== second) {
      last = { second, ok: 0, total: 0 };
      list.push(last);
    }
    last.total++;
    if (available) last.ok++;
    this.prune(list, at);
  }

  /** Each region with ops in the window, and the share of them that were available. */
  *ratios(at: number): Iterable<[string, number]> {
    for (const [region, list] of this.buckets) {
      this.prune(list, at);
      let ok = 0;
      let total = 0;
      for (const b of list) {
        ok += b.ok;
        total += b.total;
      }
      if (total > 0) yield [region, ok / total];
    }
  }

  private prune(list: { second: number }[], at: number): void {
    let drop = 0;
    while (drop < list.length && (list[drop].second + 1) * 1000 <= at - this.windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
  }
}
