/**
 * results.json: every number a run's report shows, computed from the experiment's data alone
 * (data.ts), the same way for simulated and live runs. Versioned by `schema`: a field that
 * changes meaning or goes away bumps it; new fields do not.
 */
import { completedOps, type CompletedOp } from '../checker/causal';
import { defaultModel } from '../checker/linearizability';
import { findLostIncrements } from '../checker/staleness';
import { measureStaleness } from '../checker/staleness';
import { COLLECTION_FUNCTIONS } from '../checker/staleness/final-reads';
import { runCheckers, type CheckReport, type Outcome } from '../cli/check';
import { formatWitness } from '../checker/linearizability';
import { formatCausal } from '../checker/causal';
import { formatLostWrites } from '../checker/staleness';
import { rttMs } from '../topology';
import type { ExperimentData, StampedEvent, WireMessage } from './data';
import { promisesOf, type Promise as ModePromise } from './promises';

export const RESULTS_SCHEMA = 'geolab.results/v1';

export interface Percentiles {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface RegionResults {
  readonly region: string;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  /** Latency (ms) of successful ops, by kind: reads, and everything that writes. */
  readonly latency: { readonly read: Percentiles; readonly write: Percentiles };
  /** Served ops / completed-or-timed-out ops (a failed compare-and-set was served). */
  readonly availability: number | null;
  /** The latency CDF of successful ops: [ms, fraction ≤ ms] points, at most 101 per kind. */
  readonly cdf: { readonly read: [number, number][]; readonly write: [number, number][] };
}

/** One second of the run, per region: what the latency-over-time and availability charts draw. */
export interface TimelineSeries {
  readonly region: string;
  /** Bucket start (s since the run started). */
  readonly t: number[];
  readonly ops: number[];
  /** Served / invoked in the bucket (null when nothing was invoked). */
  readonly availability: (number | null)[];
  /** Latency of ops invoked in the bucket that succeeded (ms). */
  readonly p50: (number | null)[];
  readonly p99: (number | null)[];
}

export interface FaultResults {
  readonly name: string;
  readonly kind: string;
  readonly detail: string;
  readonly startMs: number;
  readonly endMs: number | null;
  /** Availability of ops invoked during the window, per region (null: none invoked). */
  readonly availability: Readonly<Record<string, number | null>>;
}

export interface CheckerResults {
  readonly linearizable: Outcome;
  readonly causal: Outcome;
  readonly session: Outcome;
  /** Lost writes or divergence after the heal (`stale` in `geolab check`). */
  readonly durability: Outcome;
  /** Each failed checker's explanation, in plain words with the ops involved. */
  readonly witnesses: { readonly checker: string; readonly text: string }[];
  readonly linearizabilityKeys: number;
  readonly elapsedMs: number;
}

export interface RunResults {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly name: string;
  readonly mode: string;
  readonly runtime: 'sim' | 'live';
  readonly seed: string | number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly wallMs: number;
  readonly topology: {
    readonly file: string;
    readonly regions: { readonly name: string; readonly replicas: number }[];
    /** Configured RTTs between regions (ms), each pair once, and inside each region. */
    readonly rtt: { readonly a: string; readonly b: string; readonly ms: number }[];
  };
  readonly scenario: { readonly name: string; readonly file: string } | null;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly regions: RegionResults[];
  readonly timeline: { readonly bucketMs: number; readonly series: TimelineSeries[] };
  readonly faults: FaultResults[];
  readonly staleness: {
    readonly reads: number;
    readonly stale: number;
    readonly staleFraction: number;
    /** PBS-style: P(a read is fresh) against ms since the newest acknowledged write. */
    readonly pConsistent: {
      readonly ms: number;
      readonly p: number | null;
      readonly reads: number;
    }[];
  };
  readonly lostWrites: {
    readonly acknowledged: number;
    readonly lost: number;
    /** Lost writes by the history's function (`write`, `cas`, `append`, …). */
    readonly byFunction: Readonly<Record<string, number>>;
    readonly verdict: string;
    readonly examples: string[];
  };
  readonly lostIncrements: {
    readonly acknowledged: number;
    readonly lost: number;
    readonly verdict: string;
  };
  readonly conflicts: {
    readonly total: number;
    readonly byRegion: Readonly<Record<string, number>>;
    readonly sample: {
      readonly at: number;
      readonly node: string;
      readonly key: string;
      readonly resolver: string;
      readonly siblings: number;
      readonly detail?: string;
    }[];
  };
  readonly convergence: { readonly verdict: string; readonly ms: number | null };
  readonly checkers: CheckerResults;
  readonly messages: {
    readonly total: number;
    readonly perOp: number | null;
    readonly byType: Readonly<Record<string, number>>;
    readonly sample: {
      readonly fromMs: number;
      readonly untilMs: number;
      readonly list: readonly WireMessage[];
    };
  };
  /** Leadership over time: who each replica believed led (role changes, in order). */
  readonly roles: {
    readonly at: number;
    readonly node: string;
    readonly role: string;
    readonly term: number | null;
  }[];
  /** What the mode promises and whether the run kept it: the exit status follows these. */
  readonly promises: (ModePromise & { readonly outcome: Outcome; readonly kept: boolean })[];
  readonly verdict: 'pass' | 'fail';
  readonly warnings: readonly string[];
}

const BUCKET_MS = 1000;
const PBS_MS = [0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export interface ResultsOptions {
  /** Budget of the linearizability search (ms). */
  readonly checkTimeLimitMs?: number;
}

export function buildResults(data: ExperimentData, options: ResultsOptions = {}): RunResults {
  const history = data.history;
  // The clients' load: the reads that probe convergence after the heal, and the final reads,
  // are measurements of the run, not part of its latency, availability or staleness figures
  // (the checkers still judge the whole history).
  const ops = completedOps(history).filter(
    (op) => typeof op.process === 'number' && op.call < data.durationMs,
  );
  const served = (op: CompletedOp): boolean =>
    op.type === 'ok' || (op.type === 'fail' && history[op.completion]?.error === 'cas-mismatch');
  const count = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) count[op.type]++;

  const regions = data.topology.regions.map((r) =>
    regionResults(
      r.name,
      ops.filter((op) => op.region === r.name),
      served,
    ),
  );
  const report = check(data, options.checkTimeLimitMs ?? 30_000);
  const lostIncrements = findLostIncrements(history);
  const staleness = measureStaleness(history, { model: report.model });
  const loadReads = staleness.reads.filter((r) => r.read.invokedAt < data.durationMs);
  const promises = promisesOf(data.topology).map((p) => {
    const outcome = outcomeOf(report, p.checker, lostIncrements.verdict, history);
    return { ...p, outcome, kept: outcome !== 'violation' };
  });
  const conflicts = data.events.filter((e) => e.event.kind === 'conflict');
  const regionOf = new Map(data.topology.nodes.map((n) => [n.id, n.region]));
  const byRegion: Record<string, number> = {};
  for (const c of conflicts) {
    const region = regionOf.get(c.node) ?? c.node;
    byRegion[region] = (byRegion[region] ?? 0) + 1;
  }
  const lost = report.stale?.lostWrites;
  return {
    schema: RESULTS_SCHEMA,
    name: data.topology.name,
    mode: data.mode,
    runtime: data.runtime,
    seed: data.seed,
    startedAt: data.startedAt,
    durationMs: data.durationMs,
    wallMs: Math.round(data.wallMs),
    topology: {
      file: data.topology.file,
      regions: data.topology.regions.map((r) => ({ name: r.name, replicas: r.nodes.length })),
      rtt: rttPairs(data),
    },
    scenario: data.scenario ?? null,
    ops: count,
    regions,
    timeline: {
      bucketMs: BUCKET_MS,
      series: data.topology.regions.map((r) =>
        timeline(
          r.name,
          ops.filter((op) => op.region === r.name),
          served,
        ),
      ),
    },
    faults: data.faults.map((f) => ({
      name: f.name,
      kind: f.kind,
      detail: f.detail,
      startMs: f.startMs,
      endMs: f.endMs ?? null,
      availability: Object.fromEntries(
        data.topology.regions.map((r) => {
          const inside = ops.filter(
            (op) => op.region === r.name && op.call >= f.startMs && op.call < (f.endMs ?? Infinity),
          );
          return [r.name, share(inside.filter(served).length, inside.length)];
        }),
      ),
    })),
    staleness: {
      reads: loadReads.length,
      stale: loadReads.filter((r) => r.versionsBehind > 0).length,
      staleFraction:
        share(loadReads.filter((r) => r.versionsBehind > 0).length, loadReads.length) ?? 0,
      pConsistent: PBS_MS.map((ms) => {
        const after = loadReads.filter((r) => r.msAfterNewest !== null && r.msAfterNewest >= ms);
        return {
          ms,
          p: share(after.filter((r) => r.versionsBehind === 0).length, after.length),
          reads: after.length,
        };
      }),
    },
    lostWrites: {
      acknowledged: lost?.acknowledged ?? 0,
      lost: lost?.lost.length ?? 0,
      byFunction: countBy(lost?.lost ?? [], (l) => history[l.write.index]?.f ?? 'unknown'),
      verdict: lost?.verdict ?? 'unknown',
      examples:
        lost !== undefined && lost.lost.length > 0
          ? formatLostWrites(lost).split('\n').slice(0, 12)
          : [],
    },
    lostIncrements: {
      acknowledged: lostIncrements.acknowledged,
      lost: lostIncrements.lost,
      verdict: lostIncrements.verdict,
    },
    conflicts: {
      total: conflicts.length,
      byRegion,
      sample: conflicts.slice(0, 50).map(conflictRecord),
    },
    convergence: {
      verdict: report.stale?.convergence.verdict ?? 'unknown',
      ms: report.stale?.convergence.convergenceMs ?? null,
    },
    checkers: checkerResults(report),
    messages: {
      total: data.messages.total,
      // Live runs see bytes on links, not messages: no count.
      perOp:
        data.runtime === 'live' || ops.length === 0
          ? null
          : round(data.messages.total / ops.length, 2),
      byType: data.messages.byType,
      sample: data.messageSample,
    },
    roles: data.events
      .filter((e) => e.event.kind === 'role')
      .map((e) => ({
        at: e.at,
        node: e.node,
        role: e.event.kind === 'role' ? e.event.role : '',
        term: e.event.kind === 'role' ? (e.event.term ?? null) : null,
      })),
    promises,
    verdict: promises.every((p) => p.kept) ? 'pass' : 'fail',
    warnings: data.warnings,
  };
}

/**
 * Linearizability and durability over the whole history; session and causal checks over the
 * register keys alone, because their bad-pattern method reads registers only (a history with
 * one counter or list in it would otherwise get no causal verdict at all). A projection of a
 * causal history on some keys is causal, so a violation there is one of the whole.
 */
function check(data: ExperimentData, timeLimitMs: number): CheckReport {
  const model = defaultModel(data.history, 'jsonl');
  const name = `${data.topology.name} (${data.mode})`;
  const options = { format: 'jsonl' as const, model, timeLimitMs };
  const whole = runCheckers(name, data.history, [], { ...options, checkers: ['lin', 'stale'] });
  const registers = registerKeysOnly(data.history);
  const causal = runCheckers(name, registers, [], { ...options, checkers: ['session', 'causal'] });
  const outcomes = { ...whole.outcomes, ...causal.outcomes };
  const all = Object.values(outcomes);
  return {
    ...whole,
    ...(causal.session === undefined ? {} : { session: causal.session }),
    ...(causal.causal === undefined ? {} : { causal: causal.causal }),
    outcomes,
    verdict: all.includes('violation') ? 'violation' : all.includes('unknown') ? 'unknown' : 'ok',
  };
}

const REGISTER_FUNCTIONS = new Set(['read', 'write', 'cas', 'get', 'put']);

/** The history without the ops on keys that something other than a register op touched. */
function registerKeysOnly(history: ExperimentData['history']): ExperimentData['history'] {
  const other = new Set<string>();
  for (const op of history)
    if (op.key !== undefined && !REGISTER_FUNCTIONS.has(op.f)) other.add(JSON.stringify(op.key));
  if (other.size === 0) return history;
  // A completion goes with its process's invocation, whatever key it names.
  const dropping = new Set<unknown>();
  return history.filter((op) => {
    if (op.type !== 'invoke') return !dropping.delete(op.process);
    const drop = op.key !== undefined && other.has(JSON.stringify(op.key));
    if (drop) dropping.add(op.process);
    return !drop;
  });
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[keyOf(item)] = (out[keyOf(item)] ?? 0) + 1;
  return out;
}

function outcomeOf(
  report: CheckReport,
  checker: ModePromise['checker'],
  increments: string,
  history: ExperimentData['history'],
): Outcome {
  switch (checker) {
    case 'linearizable':
      return report.outcomes.lin ?? 'unknown';
    case 'causal':
      return report.outcomes.causal ?? 'unknown';
    case 'no-lost-updates': {
      const lost = report.stale?.lostWrites.verdict;
      if (lost === 'lost' || increments === 'lost') return 'violation';
      return lost === 'unknown' || increments === 'unknown' ? 'unknown' : 'ok';
    }
    case 'no-lost-merges': {
      const lost = report.stale?.lostWrites;
      const merged = (lost?.lost ?? []).filter((l) =>
        COLLECTION_FUNCTIONS.includes(history[l.write.index]?.f ?? ''),
      );
      if (merged.length > 0 || increments === 'lost') return 'violation';
      return lost?.verdict === 'unknown' || increments === 'unknown' ? 'unknown' : 'ok';
    }
    case 'converges': {
      const c = report.stale?.convergence.verdict;
      return c === 'diverged' ? 'violation' : c === 'converged' ? 'ok' : 'unknown';
    }
  }
}

function checkerResults(report: CheckReport): CheckerResults {
  const witnesses: { checker: string; text: string }[] = [];
  if (report.lin?.witness)
    witnesses.push({ checker: 'linearizability', text: formatWitness(report.lin.witness) });
  if (report.causal && report.causal.verdict === 'violation')
    witnesses.push({ checker: 'causal', text: formatCausal(report.causal) });
  if (report.stale && report.stale.lostWrites.verdict === 'lost')
    witnesses.push({ checker: 'lost writes', text: formatLostWrites(report.stale.lostWrites) });
  return {
    linearizable: report.outcomes.lin ?? 'unknown',
    causal: report.outcomes.causal ?? 'unknown',
    session: report.outcomes.session ?? 'unknown',
    durability: report.outcomes.stale ?? 'unknown',
    witnesses,
    linearizabilityKeys: report.lin?.keys ?? 0,
    elapsedMs: Math.round(report.lin?.elapsedMs ?? 0),
  };
}

function regionResults(
  region: string,
  ops: readonly CompletedOp[],
  served: (op: CompletedOp) => boolean,
): RegionResults {
  const okLatency = (read: boolean): number[] =>
    ops
      .filter((op) => op.type === 'ok' && (op.f === 'read') === read)
      .map((op) => op.ret - op.call)
      .sort((a, b) => a - b);
  const reads = okLatency(true);
  const writes = okLatency(false);
  const count = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) count[op.type]++;
  return {
    region,
    ops: count,
    latency: { read: percentiles(reads), write: percentiles(writes) },
    availability: share(ops.filter(served).length, ops.length),
    cdf: { read: cdf(reads), write: cdf(writes) },
  };
}

function timeline(
  region: string,
  ops: readonly CompletedOp[],
  served: (op: CompletedOp) => boolean,
): TimelineSeries {
  const end = Math.max(0, ...ops.map((op) => op.call));
  const n = Math.floor(end / BUCKET_MS) + 1;
  const buckets: CompletedOp[][] = Array.from({ length: ops.length === 0 ? 0 : n }, () => []);
  for (const op of ops) buckets[Math.floor(op.call / BUCKET_MS)].push(op);
  const series: TimelineSeries = { region, t: [], ops: [], availability: [], p50: [], p99: [] };
  buckets.forEach((b, i) => {
    const ok = b
      .filter((op) => op.type === 'ok')
      .map((op) => op.ret - op.call)
      .sort((x, y) => x - y);
    series.t.push((i * BUCKET_MS) / 1000);
    series.ops.push(b.length);
    series.availability.push(share(b.filter(served).length, b.length));
    series.p50.push(quantile(ok, 0.5));
    series.p99.push(quantile(ok, 0.99));
  });
  return series;
}

function rttPairs(data: ExperimentData): { a: string; b: string; ms: number }[] {
  const names = data.topology.regions.map((r) => r.name);
  const out: { a: string; b: string; ms: number }[] = [];
  names.forEach((a, i) =>
    names.slice(i).forEach((b) => out.push({ a, b, ms: rttMs(data.topology.latency, a, b) })),
  );
  return out;
}

function conflictRecord(e: StampedEvent): RunResults['conflicts']['sample'][number] {
  const ev = e.event;
  if (ev.kind !== 'conflict') throw new TypeError('not a conflict');
  return {
    at: e.at,
    node: e.node,
    key: String(ev.key),
    resolver: ev.resolver,
    siblings: ev.siblings,
    ...(ev.detail === undefined ? {} : { detail: ev.detail }),
  };
}

export function percentiles(sorted: readonly number[]): Percentiles {
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.length === 0 ? null : round(sorted[sorted.length - 1], 1),
  };
}

/** The nearest-rank quantile of sorted values, to 0.1 ms. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return round(
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))],
    1,
  );
}

function cdf(sorted: readonly number[]): [number, number][] {
  if (sorted.length === 0) return [];
  const points: [number, number][] = [];
  for (let i = 0; i <= 100; i++) {
    const k = Math.min(sorted.length - 1, Math.floor((i / 100) * (sorted.length - 1)));
    points.push([round(sorted[k], 1), round((k + 1) / sorted.length, 4)]);
  }
  return points;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole, 4);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
