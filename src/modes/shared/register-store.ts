import type { RequestId } from '../../core/ids';
import { jsonEqual, type Json } from '../../core/json';
import type { ClientResult, Op } from '../../core/messages/client';
import { fail, ok } from '../../core/messages/client';

/**
 * A replicated key-value state machine (single-copy's primary, Raft's and primary-backup's
 * applied state): a map of keys to JSON values, and the outcome of every recent
 * update by request id, so that a request delivered twice (a client's retry racing its
 * original, released by a healed `hold` partition) takes effect once and gets the same answer.
 */
export class RegisterStore {
  readonly data = new Map<string, Json>();
  private readonly outcomes = new Map<RequestId, ClientResult>();
  /**
   * The remembered ids, oldest first, as a ring. Evicting by `outcomes.keys().next()` instead
   * would be quadratic: V8's Map keeps deleted entries as holes that every fresh iterator
   * skips, and a 1-hour simulation spent most of its time there.
   */
  private readonly order: (RequestId | undefined)[];
  private next = 0;

  constructor(private readonly rememberUpdates: number) {
    this.order = new Array<RequestId | undefined>(rememberUpdates);
  }

  /** The outcome of an update already applied under this id, if it is remembered. */
  outcome(id: RequestId): ClientResult | undefined {
    return this.outcomes.get(id);
  }

  /** The remembered outcomes, oldest first: what a snapshot must keep for deduplication. */
  remembered(): [RequestId, ClientResult][] {
    const out: [RequestId, ClientResult][] = [];
    for (let i = 0; i < this.rememberUpdates; i++) {
      const id = this.order[(this.next + i) % this.rememberUpdates];
      const result = id === undefined ? undefined : this.outcomes.get(id);
      if (id !== undefined && result !== undefined) out.push([id, result]);
    }
    return out;
  }

  remember(id: RequestId, result: ClientResult): void {
    if (this.outcomes.has(id)) return;
    const evicted = this.order[this.next];
    if (evicted !== undefined) this.outcomes.delete(evicted);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.rememberUpdates;
    this.outcomes.set(id, result);
  }

  /**
   * Apply one op: the result, and the key's new value when it changed (what the log keeps).
   * Reads return null for an absent key; increment treats absent as 0, append as [].
   */
  apply(id: RequestId, op: Op): { result: ClientResult; changed?: Json } {
    const current = this.data.get(op.key) ?? null;
    switch (op.f) {
      case 'read':
        return { result: ok(id, current) };
      case 'write':
        return { result: ok(id, op.value), changed: op.value };
      case 'cas': {
        const [expected, next] = op.value;
        if (!jsonEqual(current, expected)) {
          return { result: fail(id, 'cas-mismatch', `held ${JSON.stringify(current)}`) };
        }
        return { result: ok(id, op.value as Json), changed: next };
      }
      case 'increment': {
        if (current !== null && typeof current !== 'number') {
          return {
            result: fail(
              id,
              'invalid-request',
              `${op.key} holds a ${typeof current}, not a counter`,
            ),
          };
        }
        const total = (current ?? 0) + op.value;
        return { result: ok(id, total), changed: total };
      }
      case 'append': {
        if (current !== null && !Array.isArray(current)) {
          return { result: fail(id, 'invalid-request', `${op.key} does not hold a list`) };
        }
        const list: readonly Json[] = current ?? [];
        return { result: ok(id, op.value), changed: [...list, op.value] };
      }
      case 'text':
        return {
          result: fail(
            id,
            'unsupported',
            'this mode stores registers, counters and lists, not text (use multi-leader with automerge or yjs)',
          ),
        };
    }
  }
}
