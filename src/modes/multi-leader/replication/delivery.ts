/**
 * Which received updates may be applied now, and in what order.
 *
 * Always per-origin FIFO: an origin's batches apply in sequence order, each once, so an
 * origin's later write never takes effect before its earlier one. With causal delivery, a
 * batch at the head of its origin's queue also waits until every batch in its `deps` is
 * applied, whichever origin, key or document that was (the classic causal broadcast of
 * Birman, Schiper & Stephenson, "Lightweight causal and atomic group multicast", 1991, with
 * version vectors over origins). Without it, the question from region A and the answer from
 * region B may apply in either order at region C: the anomaly the causal demo shows.
 *
 * Pure bookkeeping: no I/O, no clock (times are passed in), so it is tested exhaustively alone.
 */
import type { VersionVector } from '../../../core/clocks';
import type { NodeId } from '../../../core/ids';
import { depsSatisfied, type Update } from './update';

interface Waiting {
  readonly update: Update;
  readonly arrivedAt: number;
  /** When it was first found at the head of its queue with unmet deps. */
  blockedSince?: number;
}

export interface Delivered {
  readonly update: Update;
  readonly arrivedAt: number;
  /** How long causal delivery held it back after FIFO order would have let it go (ms). */
  readonly causalWaitMs: number;
}

export type Offered = 'buffered' | 'duplicate' | 'full';

export class DeliveryBuffer {
  private readonly applied = new Map<NodeId, number>();
  private readonly pending = new Map<NodeId, Map<number, Waiting>>();
  private pendingCount = 0;

  constructor(
    private readonly causal: boolean,
    /** Updates held at most; beyond it new ones are refused (anti-entropy resends them). */
    private readonly maxPending: number,
  ) {}

  /** The highest sequence number applied from `origin` (0: none). */
  appliedSeq(origin: NodeId): number {
    return this.applied.get(origin) ?? 0;
  }

  /** What this replica has applied: its version vector, canonical (sorted, no zeros). */
  vector(): VersionVector {
    const out: Record<string, number> = {};
    for (const origin of [...this.applied.keys()].sort()) {
      const seq = this.applied.get(origin) ?? 0;
      if (seq > 0) out[origin] = seq;
    }
    return out as VersionVector;
  }

  /** Updates received and not yet applied. */
  get size(): number {
    return this.pendingCount;
  }

  /** Starts from a snapshot's vector (before replaying the log after it). */
  restore(applied: VersionVector): void {
    for (const origin of Object.keys(applied) as NodeId[]) {
      this.applied.set(origin, Math.max(this.appliedSeq(origin), applied[origin]));
    }
  }

  /** Whether `origin`'s next batch is here, waiting (for its dependencies, if anything). */
  hasNext(origin: NodeId): boolean {
    return this.pending.get(origin)?.has(this.appliedSeq(origin) + 1) ?? false;
  }

  /** Records an update applied outside `drain`: this leader's own seal, or a replayed one. */
  markApplied(origin: NodeId, seq: number): void {
    const last = this.appliedSeq(origin);
    if (seq !== last + 1) throw new RangeError(`${origin}: applying ${seq} after ${last}`);
    this.applied.set(origin, seq);
    this.pending.get(origin)?.delete(seq);
  }

  /** Takes a received update into the buffer (it is applied by a later `drain`). */
  offer(update: Update, now: number): Offered {
    const queue = this.queue(update.origin);
    if (update.seq <= this.appliedSeq(update.origin) || queue.has(update.seq)) return 'duplicate';
    if (this.pendingCount >= this.maxPending) return 'full';
    queue.set(update.seq, { update, arrivedAt: now });
    this.pendingCount++;
    return 'buffered';
  }

  /**
   * Whether `origin`'s next batch is missing while later ones wait: a message was lost (a
   * partition that drops, a crash), and only anti-entropy will bring it.
   */
  hasGap(origin: NodeId): boolean {
    const queue = this.pending.get(origin);
    return queue !== undefined && queue.size > 0 && !queue.has(this.appliedSeq(origin) + 1);
  }

  /**
   * Everything now deliverable, in an order that respects FIFO and (when on) causality; each
   * is marked applied, so the caller must apply them all, in this order. `beforeFirst` runs
   * once before the first is marked (a leader seals its staged ops there, so their deps are
   * exactly what they saw).
   */
  drain(now: number, beforeFirst?: () => void): Delivered[] {
    const out: Delivered[] = [];
    const origins = [...this.pending.keys()].sort();
    let progress = true;
    while (progress) {
      progress = false;
      for (const origin of origins) {
        const queue = this.pending.get(origin);
        if (queue === undefined) continue;
        for (;;) {
          const next = this.appliedSeq(origin) + 1;
          const waiting = queue.get(next);
          if (waiting === undefined) break;
          if (this.causal && !depsSatisfied(waiting.update.deps, (o) => this.appliedSeq(o))) {
            waiting.blockedSince ??= now;
            break;
          }
          if (out.length === 0) beforeFirst?.();
          queue.delete(next);
          this.pendingCount--;
          this.applied.set(origin, next);
          const causalWaitMs = waiting.blockedSince === undefined ? 0 : now - waiting.blockedSince;
          out.push({ update: waiting.update, arrivedAt: waiting.arrivedAt, causalWaitMs });
          progress = true;
        }
      }
    }
    return out;
  }

  private queue(origin: NodeId): Map<number, Waiting> {
    let queue = this.pending.get(origin);
    if (queue === undefined) {
      queue = new Map();
      this.pending.set(origin, queue);
    }
    return queue;
  }
}
