/**
 * A fault scenario, resolved: every duration in ms, every name checked against the topology,
 * repeats unrolled. What the engine (play.ts) schedules against a FaultTarget, the same way in
 * the simulator and live.
 */
import type { Value } from '../workload/history';

export type PartitionMode = 'blackhole' | 'hold' | 'refuse';
export type DelayDistribution = 'constant' | 'uniform' | 'normal' | 'exponential' | 'pareto';

/** Who a fault hits: named regions and nodes, or whoever leads when the step runs. */
export type GroupRef =
  { readonly names: readonly string[] } | { readonly leader: 'node' | 'region' };

/** A link between two groups, one way or both. */
export interface LinkRef {
  readonly from: GroupRef;
  readonly to: GroupRef;
  readonly bothWays: boolean;
}

export type FaultAction =
  | {
      readonly kind: 'partition';
      /** `b` absent: `a` against everything else (its own region's clients stay with it). */
      readonly a: GroupRef;
      readonly b?: GroupRef;
      readonly mode: PartitionMode;
      readonly oneWay: boolean;
    }
  /** Lift every fault (no step), or the faults one named step started. */
  | { readonly kind: 'heal'; readonly step?: string }
  | {
      readonly kind: 'latency';
      readonly link: LinkRef;
      readonly addMs: number;
      readonly jitterMs: number;
      readonly distribution: DelayDistribution;
    }
  | { readonly kind: 'bandwidth'; readonly link: LinkRef; readonly rateKBps: number }
  /** Lose each message with probability `rate`: the simulator only (TCP does not lose). */
  | { readonly kind: 'loss'; readonly link: LinkRef; readonly rate: number }
  | { readonly kind: 'kill' | 'restart' | 'pause' | 'resume'; readonly target: GroupRef }
  | {
      readonly kind: 'clock';
      readonly target: GroupRef;
      readonly skewMs?: number;
      readonly drift?: number;
      /** Jepsen's strobe: the clock flips between +delta and back every period, for `for`. */
      readonly strobe?: { readonly deltaMs: number; readonly periodMs: number };
    };

export type FaultKind = FaultAction['kind'];

export interface ScenarioStep {
  /** The step's name (given, or `kind@line`), for `heal: NAME` and reports. */
  readonly name: string;
  readonly atMs: number;
  /** Undo after this long: heal, restart, resume, or reset the clock. */
  readonly forMs?: number;
  readonly action: FaultAction;
  /** Where the step is written, for messages. */
  readonly line: number;
}

export const NEMESIS_FAULTS = [
  'partition-halves',
  'partition-one-way',
  'majorities-ring',
  'bridge',
  'isolate-one',
  'crash',
  'pause',
  'clock-skew',
  'clock-drift',
] as const;
export type NemesisFault = (typeof NEMESIS_FAULTS)[number];

/** A random schedule (Jepsen's nemesis), reproducible by its seed. */
export interface NemesisSpec {
  readonly seed: number;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly faults: readonly NemesisFault[];
  readonly faultMs: readonly [number, number];
  readonly gapMs: readonly [number, number];
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly file: string;
  /** In time order (stable: equal times keep file order). */
  readonly steps: readonly ScenarioStep[];
  readonly nemesis?: NemesisSpec;
}

/** One fault as it played: for reports' shaded windows and the terminal summary. */
export interface FaultWindow {
  readonly name: string;
  readonly kind: FaultKind | NemesisFault;
  readonly detail: string;
  readonly startMs: number;
  endMs?: number;
}

/** A nemesis marker for the history (Jepsen's `:nemesis` process). */
export interface NemesisRecord {
  readonly f: string;
  readonly value: Value;
}
