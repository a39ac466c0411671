import type { Value } from '../workload/history';
import type { DelayDistribution, PartitionMode } from './types';

/** Latency added to a link, on top of the topology's. */
export interface AddedDelay {
  readonly addMs: number;
  readonly jitterMs: number;
  readonly distribution: DelayDistribution;
}

/** What a started network fault returns, to lift it alone later. */
export type FaultHandle = readonly number[];

/**
 * What a scenario acts on: the simulator (runtime/sim/sim-target.ts) or a live cluster through
 * the Toxiproxy fabric and its processes (runtime/live). Groups are region names and node ids.
 * A target that cannot do something (message loss live: TCP through Toxiproxy does not lose)
 * throws UnsupportedFault, which the engine reports and skips.
 */
export interface FaultTarget {
  /** Milliseconds since the run started. */
  now(): number;
  /** Every replica's node id, in topology order. */
  allNodes(): string[];
  /** The node ids that region names and node ids stand for. */
  nodesOf(names: readonly string[]): string[];
  regionOf(node: string): string;
  /** The replica that leads now, for modes with a leader or primary. */
  leader(): string | undefined;
  partition(
    a: readonly string[],
    b: readonly string[] | undefined,
    options: { readonly mode: PartitionMode; readonly oneWay: boolean },
  ): FaultHandle;
  addLatency(from: readonly string[], to: readonly string[], delay: AddedDelay): FaultHandle;
  limitBandwidth(from: readonly string[], to: readonly string[], rateKBps: number): FaultHandle;
  setLoss(from: readonly string[], to: readonly string[], rate: number): FaultHandle;
  /** Lift the given network faults, or all of them. */
  heal(handles?: readonly FaultHandle[]): void;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  skewClock(node: string, ms: number): void;
  driftClock(node: string, drift: number): void;
  /** A nemesis marker in the history (Jepsen's `:nemesis` process). */
  record(f: string, value: Value): void;
}

/** When to run things, in ms from the start of the run (virtual in the simulator). */
export interface Scheduler {
  at(ms: number, action: () => void): void;
}

export class UnsupportedFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedFault';
  }
}
