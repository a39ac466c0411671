/**
 * Group commit for a live replica: one fsync for everything a replica asked to make durable
 * in one turn of the event loop, instead of one per handler. A mode calls `sync()` after its
 * writes and before the outputs that depend on them (the DurableStorage contract: output
 * after sync waits for durability). Here `sync()` only asks for a sync; every output issued
 * from then on (messages, client replies) is held, in order, until the one real sync at the
 * end of the turn has returned, and then released. Outputs issued while no sync is pending go
 * at once. So the contract holds as it did with a blocking sync, and the disk sees one fsync
 * per batch of client requests and peer messages, as etcd's raft persists a whole Ready
 * before sending its messages.
 *
 * Found by the soak (issue 11): at 1,000 ops/s, nine replicas fsyncing once per message spent
 * most of their time in fsync and served 0.5% of the ops.
 */
export class GroupCommit {
  private pending = false;
  private readonly held: (() => void)[] = [];

  /**
   * `sync` makes the storage durable (and exits the process if it cannot); `schedule` runs
   * a function once the current turn's I/O is handled (setImmediate).
   */
  constructor(
    private readonly sync: () => void,
    private readonly schedule: (flush: () => void) => void,
  ) {}

  /** The mode asks for durability: held outputs wait for the next flush. */
  requestSync(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => this.flush());
  }

  /** Runs `output` now, or after the pending sync if there is one. */
  output(action: () => void): void {
    if (this.pending) this.held.push(action);
    else action();
  }

  /** Syncs once, then releases what was held, in the order it was issued. */
  flush(): void {
    if (!this.pending) return;
    this.sync();
    this.pending = false;
    const held = this.held.splice(0);
    for (const action of held) action();
  }
}
