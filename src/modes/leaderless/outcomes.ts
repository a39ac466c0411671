/**
 * Retried updates take effect once. A client that times out may send the same request (same id)
 * again; a write run twice would stamp its value twice, and the second copy could reappear after
 * a later write (a cas would find its own new value and report a mismatch). The coordinator
 * drops a copy that arrives while the first is in flight (the first's answer answers both: the
 * runtime holds one reply per request id) and answers a copy of a finished one with the
 * remembered result, as Raft's and single-copy's replicas deduplicate. The memory is per
 * coordinator and bounded: a retry sent to another replica, or very late, runs again.
 */
import type { RequestId } from '../../core/ids';
import type { ClientResult } from '../../core/messages/client';
import { RegisterStore } from '../shared/register-store';

export class UpdateOutcomes {
  private readonly inFlight = new Set<RequestId>();
  /** Only its bounded memory of outcomes by request id is used here, not its data. */
  private readonly results: RegisterStore;

  constructor(limit: number) {
    this.results = new RegisterStore(limit);
  }

  /**
   * What to do with an update request: `run` it (and report its result through `done`), or
   * answer with an earlier attempt's `result`, or `drop` it while that attempt still runs.
   */
  admit(
    id: RequestId,
  ): { kind: 'run' } | { kind: 'drop' } | { kind: 'answer'; result: ClientResult } {
    const result = this.results.outcome(id);
    if (result !== undefined) return { kind: 'answer', result };
    if (this.inFlight.has(id)) return { kind: 'drop' };
    this.inFlight.add(id);
    return { kind: 'run' };
  }

  done(id: RequestId, result: ClientResult): void {
    this.inFlight.delete(id);
    this.results.remember(id, result);
  }
}
