/**
 * `geolab compare`: one topology, workload and fault scenario, run once per replication mode in
 * the simulator, and the CAP cost table that sets the modes side by side (DDIA ch. 9: what
 * linearizability costs in latency and in availability during a partition, and what the
 * modes that stay available give up instead: fresh reads, acknowledged writes, agreement).
 *
 * Every mode gets the file's read and write weights plus one update op that shows lost updates
 * where the mode can lose them (see updateOpOf), each data type on its own keys.
 */
import { loadScenarioFile } from '../faults/load-scenario';
import type { Scenario } from '../faults/types';
import {
  loadTopologyFile,
  type OperationType,
  type Topology,
  type TopologyIssue,
} from '../topology';
import { operationsOf } from '../topology/resolve-workload';
import { join } from 'node:path';
import type { ExperimentData } from './data';
import { runLiveExperiment } from './live-experiment';
import { buildResults, type RunResults } from './results';
import { runSimExperiment } from './sim-experiment';

export const COMPARE_SCHEMA = 'geolab.compare/v1';

/** The chapter's line-up (DESIGN §4 ids), in the order the table shows them. */
export const DEFAULT_COMPARE_MODES = [
  'single-copy',
  'raft',
  'async',
  'leaderless:QUORUM',
  'leaderless:ONE',
  'multi-leader:automerge',
  'multi-leader:lww',
] as const;

/** Open-loop ops/s per client: every mode gets the same offered load, however slow it is. */
export const DEFAULT_COMPARE_RATE = 10;

export interface CompareSettings {
  readonly topologyFile: string;
  readonly modes: readonly string[];
  readonly scenarioFile: string | undefined;
  readonly durationMs: number;
  readonly seed: string | number;
  /** ops/s per client (open loop). */
  readonly rate: number;
}

/** A read-modify-write op that loses updates where the mode lets concurrent writers collide. */
export type UpdateOp = 'append' | 'increment' | 'write';

/** One mode's run: what the table reads, and the topology it ran. */
export interface ModeRun {
  readonly mode: string;
  readonly updateOp: UpdateOp;
  readonly topology: Topology;
  readonly results: RunResults;
}

/** `<mode>/results.json` under the output directory: `:` is not welcome in every file system. */
export function modeDirName(mode: string): string {
  return mode.replace(/:/g, '_');
}

/**
 * The op that shows lost updates in a mode: an append where lists are served (every
 * acknowledged element must be in the final list), else an increment (the counter must end at
 * the acknowledged sum), else a plain write (leaderless registers: a write overwritten by a
 * concurrent one is not lost, so none can show there).
 */
export function updateOpOf(served: readonly OperationType[]): UpdateOp {
  if (served.includes('append')) return 'append';
  if (served.includes('increment')) return 'increment';
  return 'write';
}

/**
 * The mix a mode runs: the file's read and write weights, and the rest of the file's weight
 * (cas, increments, …; a tenth of read + write when there is none) on the mode's update op.
 */
export function compareMix(
  fileMix: Readonly<Partial<Record<OperationType, number>>>,
  update: UpdateOp,
): Partial<Record<OperationType, number>> {
  const read = fileMix.read ?? 0;
  const write = fileMix.write ?? 0;
  const rest = Object.entries(fileMix)
    .filter(([op]) => op !== 'read' && op !== 'write')
    .reduce((sum, [, w]) => sum + (w ?? 0), 0);
  const updateWeight = rest > 0 ? rest : (read + write) / 10 || 1;
  const mix: Partial<Record<OperationType, number>> = { read, write };
  mix[update] = (mix[update] ?? 0) + updateWeight;
  return Object.fromEntries(Object.entries(mix).filter(([, w]) => (w ?? 0) > 0));
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; issues: TopologyIssue[] };

/**
 * The topology one mode runs: the file under `--mode`, with the compare mix and one key space
 * per data type. The file is loaded with its reads and writes alone first, so its own update
 * ops (a cas the new mode cannot serve) are not held against it; mistakes keep file:line:col.
 */
export function loadModeTopology(file: string, mode: string): Loaded<Topology> {
  // The file's own mix, as its own mode reads it (undefined when the file is wrong: the load
  // below reports why).
  const plain = loadTopologyFile(file);
  const fileMix = plain.ok ? plain.topology.workload.mix : undefined;
  const first = loadTopologyFile(file, {
    mode,
    mix: { read: fileMix?.read ?? 1, write: fileMix?.write ?? 1 },
  });
  if (!first.ok) return { ok: false, issues: first.issues };
  const topology = first.topology;
  const mix = compareMix(
    fileMix ?? topology.workload.mix,
    updateOpOf(operationsOf(topology.replication)),
  );
  return {
    ok: true,
    value: { ...topology, workload: { ...topology.workload, mix, keysByType: true } },
  };
}

export function loadCompareScenario(file: string, topology: Topology): Loaded<Scenario> {
  const loaded = loadScenarioFile(file, topology);
  return loaded.ok ? { ok: true, value: loaded.scenario } : loaded;
}

export interface CompareHooks {
  /** Before each mode's run (progress). */
  readonly starting?: (mode: string, index: number, total: number) => void;
  /** After each mode's run and checks, with the wall time they took (ms). */
  readonly finished?: (run: ModeRun, wallMs: number) => void;
}

/** Each mode's topology and scenario; throws a CompareInputError for bad input, before any run. */
function prepare(
  settings: CompareSettings,
): { mode: string; topology: Topology; scenario?: Scenario }[] {
  return settings.modes.map((mode) => {
    const loaded = loadModeTopology(settings.topologyFile, mode);
    if (!loaded.ok) throw new CompareInputError(loaded.issues);
    if (settings.scenarioFile === undefined) return { mode, topology: loaded.value };
    const scenario = loadCompareScenario(settings.scenarioFile, loaded.value);
    if (!scenario.ok) throw new CompareInputError(scenario.issues);
    return { mode, topology: loaded.value, scenario: scenario.value };
  });
}

function modeRun(mode: string, topology: Topology, data: ExperimentData): ModeRun {
  return {
    mode,
    updateOp: updateOpOf(operationsOf(topology.replication)),
    topology,
    results: buildResults(data),
  };
}

/** Run every mode in the simulator; throws a CompareInputError for a bad file, mode or scenario. */
export function runCompare(settings: CompareSettings, hooks: CompareHooks = {}): ModeRun[] {
  const runs = prepare(settings);
  return runs.map(({ mode, topology, scenario }, i) => {
    hooks.starting?.(mode, i, runs.length);
    const started = performance.now();
    const data = runSimExperiment(topology, {
      seed: settings.seed,
      durationMs: settings.durationMs,
      rate: settings.rate,
      scenario,
    });
    const run = modeRun(mode, topology, data);
    hooks.finished?.(run, performance.now() - started);
    return run;
  });
}

/**
 * Run every mode live, one after another (`geolab compare --live`): each its own cluster of
 * processes through the proxy, started, loaded, faulted, healed, read and stopped, as
 * `geolab run` does. Wall-clock time: about the duration plus 30 s per mode.
 */
export async function runCompareLive(
  settings: CompareSettings,
  live: { readonly dataDir: string; readonly log: (message: string) => void },
  hooks: CompareHooks = {},
): Promise<ModeRun[]> {
  const prepared = prepare(settings);
  const runs: ModeRun[] = [];
  for (const [i, { mode, topology, scenario }] of prepared.entries()) {
    hooks.starting?.(mode, i, prepared.length);
    const started = performance.now();
    const data = await runLiveExperiment(topology, {
      topologyFile: settings.topologyFile,
      mode,
      dataDir: join(live.dataDir, modeDirName(mode)),
      durationMs: settings.durationMs,
      rate: settings.rate,
      scenario,
      seed: settings.seed,
      log: live.log,
    });
    const run = modeRun(mode, topology, data);
    hooks.finished?.(run, performance.now() - started);
    runs.push(run);
  }
  return runs;
}

/** Bad input found while setting the runs up: the file's, the mode's or the scenario's. */
export class CompareInputError extends Error {
  override readonly name = 'CompareInputError';
  constructor(readonly issues: readonly TopologyIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`).join('\n'));
  }
}

// ---------------------------------------------------------------------------------------------
// The table

export interface LatencyCell {
  readonly p50: number | null;
  readonly p99: number | null;
}

/** One row of the CAP cost table: every number comes from the mode's results.json. */
export interface CompareRow {
  readonly mode: string;
  readonly updateOp: UpdateOp;
  readonly write: Readonly<Record<string, LatencyCell>>;
  readonly read: Readonly<Record<string, LatencyCell>>;
  /** Availability of ops invoked during the partition (mean over the side's regions). */
  readonly availability: { readonly cutOff: number | null; readonly rest: number | null };
  readonly staleFraction: number;
  /** Acknowledged register writes (write, cas) gone from the final reads. */
  readonly lostWrites: number;
  /** Acknowledged appends missing from the final list, and increments missing from the count. */
  readonly lostUpdates: number;
  readonly conflicts: number;
  readonly convergenceMs: number | null;
  readonly linearizable: string;
  readonly causal: string;
  readonly messagesPerOp: number | null;
}

export interface CompareTable {
  readonly regions: readonly string[];
  /** The partition the availability columns measure (its results.json detail), if any. */
  readonly partition: {
    readonly detail: string;
    readonly cutOff: readonly string[];
    readonly rest: readonly string[];
  } | null;
  readonly rows: readonly CompareRow[];
}

export function compareTable(runs: readonly ModeRun[]): CompareTable {
  const first = runs[0];
  const regions = first === undefined ? [] : first.topology.regions.map((r) => r.name);
  const sides = first === undefined ? null : partitionSides(first);
  return {
    regions,
    partition: sides,
    rows: runs.map((run) => {
      const r = run.results;
      const cell = (kind: 'read' | 'write'): Record<string, LatencyCell> =>
        Object.fromEntries(
          r.regions.map((g) => [g.region, { p50: g.latency[kind].p50, p99: g.latency[kind].p99 }]),
        );
      const window = r.faults.find((f) => f.kind === 'partition');
      const side = (names: readonly string[] | undefined): number | null =>
        window === undefined || names === undefined
          ? null
          : mean(names.map((n) => window.availability[n] ?? null));
      const byF = r.lostWrites.byFunction;
      const lostRegister = (byF.write ?? 0) + (byF.cas ?? 0);
      return {
        mode: run.mode,
        updateOp: run.updateOp,
        write: cell('write'),
        read: cell('read'),
        availability: { cutOff: side(sides?.cutOff), rest: side(sides?.rest) },
        staleFraction: r.staleness.staleFraction,
        lostWrites: lostRegister,
        lostUpdates: r.lostWrites.lost - lostRegister + r.lostIncrements.lost,
        conflicts: r.conflicts.total,
        convergenceMs: r.convergence.ms,
        linearizable: r.checkers.linearizable,
        causal: r.checkers.causal,
        messagesPerOp: r.messages.perOp,
      };
    }),
  };
}

/**
 * The two sides of the run's first partition, by region: the detail reads
 * `blackhole us-east-1 / the rest` or `hold [a b] / [c d]` (faults/play.ts), where a name is a
 * region or a node (counted with its region).
 */
export function partitionSides(
  run: Pick<ModeRun, 'topology' | 'results'>,
): CompareTable['partition'] {
  const window = run.results.faults.find((f) => f.kind === 'partition');
  if (window === undefined) return null;
  const regions = run.topology.regions.map((r) => r.name);
  const regionOf = new Map<string, string>(regions.map((r) => [r, r]));
  for (const n of run.topology.nodes) regionOf.set(n.id, n.region);
  const [a, b] = window.detail.split(/ \/ | → /);
  const named = (text: string | undefined): string[] => {
    const words = (text ?? '').replace(/[[\]]/g, ' ').split(/\s+/);
    return [...new Set(words.flatMap((w) => regionOf.get(w) ?? []))];
  };
  const cutOff = named(a);
  const rest =
    b === undefined || b === 'the rest' ? regions.filter((r) => !cutOff.includes(r)) : named(b);
  return { detail: window.detail, cutOff, rest };
}

function mean(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

// ---------------------------------------------------------------------------------------------
// compare.json

export interface CompareReport {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly topology: string;
  readonly scenario: string | null;
  /** Where the modes ran: the simulator, or live processes (`--live`). */
  readonly runtime: 'sim' | 'live';
  readonly seed: string | number;
  readonly durationMs: number;
  readonly rate: number;
  readonly modes: readonly {
    readonly mode: string;
    readonly updateOp: UpdateOp;
    readonly mix: Readonly<Partial<Record<OperationType, number>>>;
    /** The mode's results.json, relative to compare.json. */
    readonly results: string;
    readonly verdict: RunResults['verdict'];
  }[];
  readonly table: CompareTable;
}

export function compareReport(settings: CompareSettings, runs: readonly ModeRun[]): CompareReport {
  return {
    schema: COMPARE_SCHEMA,
    topology: settings.topologyFile,
    scenario: settings.scenarioFile ?? null,
    runtime: runs[0]?.results.runtime ?? 'sim',
    seed: settings.seed,
    durationMs: settings.durationMs,
    rate: settings.rate,
    modes: runs.map((run) => ({
      mode: run.mode,
      updateOp: run.updateOp,
      mix: run.topology.workload.mix,
      results: `${modeDirName(run.mode)}/results.json`,
      verdict: run.results.verdict,
    })),
    table: compareTable(runs),
  };
}
