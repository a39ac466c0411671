/**
 * What a replica keeps across crashes: a log (entries at consecutive indexes) and a little
 * hard state (key → JSON: Raft's term and vote, a primary's epoch, a commit point).
 *
 * ## The contract
 *
 * The interface is synchronous because modes are synchronous state machines (DESIGN §2, the
 * etcd-io/raft style): a handler must be able to persist its vote and then send the reply
 * without yielding. Durability is expressed by an explicit barrier, `sync()`:
 *
 * 1. Writes (`append`, `truncate`, `compact`, `put`, `delete`) take effect at once for reads
 *    on this node. Reads never block: implementations hold the log and hard state in memory
 *    (a file-backed store loads them when it opens), which suits a lab's data sizes, and
 *    `compact` keeps the log bounded.
 * 2. `sync()` makes every write issued before it durable. After a crash, the node restarts
 *    with the state produced by some prefix of its write sequence that includes every write
 *    issued before the last `sync()` that returned; writes after it may survive in part (a
 *    prefix of them: never reordered, never with a gap) or not at all. The in-memory store's
 *    `crash()` drops them all by default, the harshest case a protocol must survive.
 * 3. Output is ordered after durability: a message (`env.send`) or client reply (`env.reply`)
 *    issued after a `sync()` is never delivered before that sync is durable. Output issued
 *    before it may leave at once, as etcd lets a leader send appends while its own disk write
 *    is in flight. A runtime meets this either by making `sync()` block until the data is on
 *    disk (write + fsync, the simple choice for a file-backed store), or by returning at once
 *    and holding later output until the flush completes (etcd's Ready: persist, then send); a
 *    crash meanwhile discards the held output with the unsynced writes.
 * 4. Values are immutable once written: the store may keep them by reference (the in-memory
 *    store freezes them) or serialise them at once (a file store); a mode that mutated one
 *    afterwards would see different behaviour in the two runtimes.
 * 5. Misuse (an index outside the log, a malformed key) throws RangeError: a bug in the mode.
 *    A real I/O failure is not reported to the mode at all: the live runtime stops the
 *    process, as etcd panics on a storage error, since a replica that cannot keep its promises
 *    must not continue (fail-stop).
 *
 * Indexes start at 1; an empty log has `lastIndex() === firstIndex() - 1`.
 */
import { NAME_PATTERN } from '../ids';
import type { Json } from '../json';

export interface DurableStorage {
  /** Index of the first entry still held (1 until the first `compact`). */
  firstIndex(): number;
  /** Index of the last entry; `firstIndex() - 1` when the log is empty. */
  lastIndex(): number;
  /** The entry at `index`, or undefined outside [firstIndex, lastIndex]. */
  entry(index: number): Json | undefined;
  /** Entries with `from ≤ index < to`; both bounds must lie in [firstIndex, lastIndex + 1]. */
  entries(from: number, to: number): readonly Json[];
  /** Adds entries at lastIndex + 1, lastIndex + 2, … */
  append(entries: readonly Json[]): void;
  /**
   * Removes the suffix from `from` on (Raft's log repair: drop the conflicting tail, then
   * append the leader's entries); `from` must lie in [firstIndex, lastIndex + 1].
   */
  truncate(from: number): void;
  /**
   * Removes every entry with index ≤ `through` once a snapshot covers them; `through` may be
   * past lastIndex (installing a snapshot from ahead), leaving an empty log whose next append
   * lands at `through + 1`. Compacting at or before firstIndex - 1 is a no-op.
   */
  compact(through: number): void;

  /** The hard state stored under `key`, or undefined. */
  get(key: string): Json | undefined;
  /** Overwrites `key`; keys match NAME_PATTERN so a file store may use them as file names. */
  put(key: string, value: Json): void;
  delete(key: string): void;
  /** Keys present, sorted. */
  keys(): readonly string[];

  /** The durability barrier; see the contract above. */
  sync(): void;
}

/** Throws RangeError unless `key` can name hard state. */
export function checkHardStateKey(key: string): void {
  if (typeof key !== 'string' || key.length > 128 || !NAME_PATTERN.test(key)) {
    throw new RangeError(`hard state key ${JSON.stringify(key)} must match ${NAME_PATTERN}`);
  }
}
