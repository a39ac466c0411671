import type { NodeId, RequestId } from '../../../core/ids';
import type { ClientResult } from '../../../core/messages/client';

/** Who gets a request's answer: the client connected here, or the replica that forwarded it. */
export type ReplyTo =
  { readonly kind: 'client' } | { readonly kind: 'peer'; readonly node: NodeId };

/**
 * Requests waiting for something (a forwarded request for the primary's answer, a semi-sync
 * write for a backup's acknowledgement), by id, oldest first. Every wait of one kind lasts
 * as long, so arrival order is deadline order: a sweep stops at the first wait not yet due,
 * and one timer serves them all rather than one per request.
 */
export class Waits<T> {
  private readonly waiting = new Map<RequestId, { readonly since: number; readonly value: T }>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.waiting.size;
  }

  has(id: RequestId): boolean {
    return this.waiting.has(id);
  }

  get(id: RequestId): T | undefined {
    return this.waiting.get(id)?.value;
  }

  /** Starts a wait; a request already waiting keeps its first deadline. */
  add(id: RequestId, now: number, value: T): void {
    if (!this.waiting.has(id)) this.waiting.set(id, { since: now, value });
  }

  take(id: RequestId): T | undefined {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    return w?.value;
  }

  /** Removes and returns the waits from the oldest on, while `ready` holds for them. */
  takeWhile(ready: (value: T) => boolean): [RequestId, T][] {
    return this.drainUntil((w) => !ready(w.value));
  }

  /** Removes and returns the waits whose time is up. */
  overdue(now: number): [RequestId, T][] {
    return this.drainUntil((w) => w.since + this.timeoutMs > now);
  }

  /** Removes and returns every wait. */
  clear(): [RequestId, T][] {
    return this.drainUntil(() => false);
  }

  private drainUntil(stop: (w: { readonly since: number; readonly value: T }) => boolean) {
    const out: [RequestId, T][] = [];
    for (const [id, w] of this.waiting) {
      if (stop(w)) break;
      this.waiting.delete(id);
      out.push([id, w.value]);
    }
    return out;
  }
}

/** A semi-sync write waiting for a backup: the log index it needs, and who to answer with what. */
export interface AckWait {
  readonly index: number;
  readonly result: ClientResult;
  readonly replyTo: ReplyTo[];
}
