/**
 * What a primary knows of one backup's copy of its log, as etcd-io/raft's Progress:
 * - `probe`: where the backup's log matches is unknown; one append at a time (re-sent each
 *   heartbeat) looks for it, walking back by the hints the backup's refusals give;
 * - `pipeline`: the backup matched; entries stream without waiting for acknowledgements, up
 *   to a window, since links keep order and a gap shows up as a refusal;
 * - `snapshot`: the entries it needs are compacted away (or its own snapshot disagrees with
 *   this log), so the whole state was sent; wait for its acknowledgement, or resend.
 */
export class Progress {
  /** The next index to send. */
  next: number;
  /** The highest index known to match on the backup. */
  match = 0;
  state: 'probe' | 'pipeline' | 'snapshot' = 'probe';
  /** The prevIndex of the last probe: a refusal of any other append is stale. */
  probePrev = -1;
  /** When the snapshot was sent (local ms). */
  snapshotSentAt = -Infinity;

  constructor(lastIndex: number) {
    this.next = lastIndex + 1;
  }

  /** An acknowledgement: the backup's log matches through `index`. */
  matched(index: number): void {
    this.match = Math.max(this.match, index);
    this.next = Math.max(this.next, index + 1);
    this.state = 'pipeline';
  }

  /**
   * Whether a refusal of the append after `prev` is news: in probe, only the answer to the
   * current probe is; in pipeline, any refusal at or past the known match (the first of a
   * run; the rest answer appends sent before it and find the state already probing).
   */
  isFreshRefusal(prev: number): boolean {
    if (this.state === 'probe') return prev === this.probePrev;
    return this.state === 'pipeline' && prev >= this.match;
  }

  /**
   * Retry from `hint`. The backup may have lost entries it had acknowledged (another primary
   * overwrote them: without fencing, backups follow any primary), so `match` drops with it.
   */
  retryFrom(hint: number): void {
    this.next = hint;
    this.match = Math.min(this.match, hint - 1);
    this.state = 'probe';
  }
}
