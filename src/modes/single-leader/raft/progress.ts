/**
 * What the leader knows of one follower's log, and how fast it may send to it: etcd-io/raft's
 * tracker.Progress, reduced to what geolab needs.
 *
 * - `probe`: the leader does not know where the follower's log matches; it sends one append
 *   at a time and waits for the answer (or the next heartbeat's) before sending another.
 * - `replicate`: the logs match up to `match`; the leader streams appends optimistically,
 *   up to a window of unacknowledged messages.
 * - `snapshot`: the follower needs entries the leader compacted; a snapshot is on its way.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  state: ProgressState = 'probe';
  /** In probe: an append is out and unanswered. */
  probeSent = false;
  /** In snapshot: the index of the snapshot sent, and when (in ticks). */
  pendingSnapshot = 0;
  snapshotSentAt = 0;
  /** In replicate: the last index of each append not yet acknowledged, oldest first. */
  private readonly inflight: number[] = [];
  /** The highest heartbeat round this follower acknowledged in the leader's term. */
  ackedRound = 0;
  /** When (in ticks) the follower last answered anything, for check-quorum. */
  lastHeardAt: number;
  /** When (in ticks) `match` last advanced, to notice a stalled replicate stream. */
  lastProgressAt: number;

  constructor(
    public next: number,
    now: number,
  ) {
    this.lastHeardAt = now;
    this.lastProgressAt = now;
  }

  get inflightCount(): number {
    return this.inflight.length;
  }

  becomeProbe(): void {
    // After a snapshot, the follower holds at least what it contained.
    this.next =
      this.state === 'snapshot'
        ? Math.max(this.match + 1, this.pendingSnapshot + 1)
        : this.match + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflight.length = 0;
  }

  becomeReplicate(now: number): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflight.length = 0;
    this.lastProgressAt = now;
  }

  becomeSnapshot(index: number, now: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapshotSentAt = now;
    this.inflight.length = 0;
  }

  /** Whether the leader should hold further appends back. */
  isPaused(maxInflight: number): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflight.length >= maxInflight;
      case 'snapshot':
        return true;
    }
  }

  /** An append up to `last` went out in replicate state. */
  sent(last: number): void {
    this.next = last + 1;
    this.inflight.push(last);
  }

  /** The follower acknowledged `index`; whether that was news. */
  maybeUpdate(index: number, now: number): boolean {
    this.probeSent = false;
    while (this.inflight.length > 0 && this.inflight[0] <= index) this.inflight.shift();
    if (index <= this.match) return false;
    this.match = index;
    this.next = Math.max(this.next, index + 1);
    this.lastProgressAt = now;
    return true;
  }

  /**
   * The follower rejected an append at `rejected`; `probeFrom` is where the leader's log may
   * match it (from the follower's hint). False when the rejection is stale: an answer to an
   * append sent before the leader had already moved `next` back.
   */
  maybeDecrTo(rejected: number, probeFrom: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, probeFrom + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }
}
