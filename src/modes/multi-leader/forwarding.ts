import type { RequestId } from '../../core/ids';

/**
 * The requests a follower relayed to its region leader and still waits on. One sweep timer
 * gives up on overdue ones (answering `info`: the leader may have applied them), rather than
 * a timer per request.
 */
export class Forwarded {
  /** Request → when it was first relayed (local ms); insertion order is relay order. */
  private readonly sent = new Map<RequestId, number>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.sent.size;
  }

  /** Notes a relay; a client's retry of a waiting request keeps its first time. */
  add(id: RequestId, now: number): void {
    if (!this.sent.has(id)) this.sent.set(id, now);
  }

  /** The leader answered: whether the request was still waited on (not timed out). */
  settle(id: RequestId): boolean {
    return this.sent.delete(id);
  }

  /** Removes and returns the requests relayed more than the timeout ago, oldest first. */
  overdue(now: number): RequestId[] {
    const out: RequestId[] = [];
    for (const [id, at] of this.sent) {
      if (now - at < this.timeoutMs) break;
      out.push(id);
    }
    for (const id of out) this.sent.delete(id);
    return out;
  }
}
