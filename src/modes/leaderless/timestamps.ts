/**
 * Write timestamps for last-write-wins, and ballots for Paxos. A stamp is `[l, c, node]`:
 * milliseconds, a counter among stamps with the same `l`, and the issuing node, so two stamps
 * never tie and every replica orders them the same way.
 *
 * - `wall`: `l` is the coordinator's clock reading (`env.now()`), as Cassandra stamps writes
 *   with the coordinator's microseconds; the counter only keeps one node's stamps increasing
 *   (Cassandra's ClientState bumps a repeated timestamp by 1 µs). Nodes never correct each
 *   other: a clock 500 ms fast stamps its writes 500 ms into the future, and a later write from
 *   a correct clock loses to them. That is the point of offering it.
 * - `hlc`: a hybrid logical clock (core/clocks/hlc): stamps also advance past every stamp this
 *   node has seen (`observe`), so a write ordered after another by a message the coordinator
 *   received is stamped after it, whatever the clocks say; concurrent writes still race.
 */
import {
  compareHlc,
  hlcNow,
  hlcReceive,
  HLC_ZERO,
  MAX_C,
  MAX_L,
  type Hlc,
} from '../../core/clocks/hlc';
import { isNodeId, type NodeId } from '../../core/ids';
import type { Json } from '../../core/json';

export type Stamp = readonly [l: number, c: number, node: NodeId];

/** Total order on stamps: by l, then c, then node id (code units, the same everywhere). */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  if (a[2] === b[2]) return 0;
  return a[2] < b[2] ? -1 : 1;
}

export function isStamp(v: Json | undefined): v is Stamp {
  return (
    Array.isArray(v) &&
    v.length === 3 &&
    typeof v[0] === 'number' &&
    Number.isFinite(v[0]) &&
    v[0] >= 0 &&
    v[0] <= MAX_L &&
    typeof v[1] === 'number' &&
    Number.isSafeInteger(v[1]) &&
    v[1] >= 0 &&
    v[1] <= MAX_C &&
    isNodeId(v[2])
  );
}

/** One node's source of stamps. */
export class Stamper {
  private last: Hlc = HLC_ZERO;

  constructor(
    private readonly kind: 'hlc' | 'wall',
    private readonly self: NodeId,
  ) {}

  /** A stamp for a write at local time `now`, greater than every stamp issued here before. */
  next(now: number): Stamp {
    if (this.kind === 'hlc') {
      this.last = hlcNow(this.last, now);
      return [this.last.l, this.last.c, this.self];
    }
    // Wall: the clock itself, bumped only to stay increasing on this node.
    const l = Math.max(now, this.last.l);
    this.last = { l, c: l === this.last.l ? this.last.c + 1 : 0 };
    return [this.last.l, this.last.c, this.self];
  }

  /**
   * A stamp greater than both `next(now)` and `floor`: Paxos ballots must exceed every ballot
   * promised, and a value committed by Paxos must outrank the value it replaced.
   */
  above(now: number, floor: Stamp | null): Stamp {
    const mine = this.next(now);
    if (floor === null || compareStamps(mine, floor) > 0) return mine;
    this.last = { l: floor[0], c: floor[1] + 1 };
    return [this.last.l, this.last.c, this.self];
  }

  /** A stamp seen in a message: a hybrid clock moves past it; a wall clock ignores it. */
  observe(stamp: Stamp, now: number): void {
    if (this.kind !== 'hlc') return;
    const received = hlcReceive(this.last, { l: Math.floor(stamp[0]), c: stamp[1] }, now);
    if (received.ok && compareHlc(received.clock, this.last) > 0) this.last = received.clock;
  }
}
