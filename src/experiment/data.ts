/**
 * What one experiment leaves behind, whichever runtime ran it: the client history (nemesis
 * markers included), the fault windows as they played, what the replicas said about themselves
 * (roles, leaders, conflicts) and a sample of the messages on the wire. Reports are computed
 * from this alone (results.ts), so a simulated and a live run are judged by the same code.
 */
import type { ReplicaEvent } from '../core/events';
import type { FaultWindow } from '../faults/types';
import type { Topology } from '../topology';
import type { HistoryOp } from '../workload/history';

export type Runtime = 'sim' | 'live';

/** A replica event with its node and the run's time (ms since the run started). */
export interface StampedEvent {
  readonly node: string;
  readonly at: number;
  readonly event: ReplicaEvent;
}

/** One message on a link, for the space-time diagram (times in run ms). */
export interface WireMessage {
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly sentAt: number;
  /** Undefined: dropped or held by a partition. */
  readonly arrivesAt: number | undefined;
}

export interface ExperimentData {
  readonly topology: Topology;
  /** The mode's short id (DESIGN §4). */
  readonly mode: string;
  readonly runtime: Runtime;
  readonly seed: string | number;
  /** When the run started (wall clock, ISO 8601). */
  readonly startedAt: string;
  /** How long clients issued ops (ms). */
  readonly durationMs: number;
  /** Wall time the whole run took (ms). */
  readonly wallMs: number;
  readonly scenario: { readonly name: string; readonly file: string } | undefined;
  readonly history: readonly HistoryOp[];
  readonly faults: readonly FaultWindow[];
  readonly events: readonly StampedEvent[];
  /** Peer messages sent, in total and by type (client traffic excluded). */
  readonly messages: { readonly total: number; readonly byType: Readonly<Record<string, number>> };
  /** The messages of one sampled window, for the space-time diagram. */
  readonly messageSample: {
    readonly fromMs: number;
    readonly untilMs: number;
    readonly list: readonly WireMessage[];
  };
  /** Things the run could not do as asked (a fault the runtime does not support, …). */
  readonly warnings: readonly string[];
}

/** Events worth keeping for reports: the rest (metrics, commits, forwards) are many and mute. */
export function keepEvent(ev: ReplicaEvent): boolean {
  return (
    ev.kind === 'role' ||
    ev.kind === 'leader' ||
    ev.kind === 'conflict' ||
    (ev.kind === 'log' && (ev.level === 'warn' || ev.level === 'error'))
  );
}

/**
 * Keeps the messages of one window for the space-time diagram: the `spanMs` after `fromMs`,
 * at most `max` of them (a diagram of more is unreadable). Counts every peer message by type.
 */
export class MessageSampler {
  readonly list: WireMessage[] = [];
  readonly byType: Record<string, number> = {};
  total = 0;

  /**
   * Counts peer messages sent before `countUntilMs` (the end of the clients' load: the
   * messages of convergence probes and final reads are not the load's cost).
   */
  constructor(
    readonly fromMs: number,
    readonly spanMs: number,
    private readonly countUntilMs = Infinity,
    private readonly max = 1000,
  ) {}

  get untilMs(): number {
    return this.fromMs + this.spanMs;
  }

  add(m: WireMessage, peer: boolean): void {
    if (peer && m.sentAt < this.countUntilMs) {
      this.total++;
      this.byType[m.type] = (this.byType[m.type] ?? 0) + 1;
    }
    if (m.sentAt >= this.fromMs && m.sentAt < this.untilMs && this.list.length < this.max) {
      this.list.push(m);
    }
  }
}
