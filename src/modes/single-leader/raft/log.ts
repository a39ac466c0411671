import type { Json } from '../../../core/json';
import { isJsonObject } from '../../../core/json';
import type { DurableStorage } from '../../../core/storage/durable-storage';
import { readSnapshotState, type Entry, type SnapshotState } from './messages';

/** The hard-state key holding the latest snapshot (its position and the state machine). */
const SNAPSHOT_KEY = 'raft-snapshot';

export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly state: SnapshotState;
}

/**
 * Raft's log over a replica's durable storage (etcd's raftLog over Storage): entries at
 * consecutive indexes, each with its term, preceded by a snapshot that covers everything the
 * log was compacted through. Index 0, term 0 is the empty log every replica agrees on.
 */
export class RaftLog {
  private snap: Snapshot | undefined;

  constructor(private readonly storage: DurableStorage) {
    const raw = storage.get(SNAPSHOT_KEY);
    if (isJsonObject(raw)) {
      this.snap = {
        index: raw.index as number,
        term: raw.term as number,
        state: readSnapshotState(raw.state, SNAPSHOT_KEY),
      };
      // A crash between recording a snapshot and compacting under it leaves entries the
      // snapshot covers (or, after a restore, a log the snapshot replaced): finish the job.
      if (storage.firstIndex() <= this.snap.index) this.finishCompaction(this.snap);
    }
  }

  /** The latest snapshot, if any. */
  get snapshot(): Snapshot | undefined {
    return this.snap;
  }

  get snapshotIndex(): number {
    return this.snap?.index ?? 0;
  }

  lastIndex(): number {
    return Math.max(this.storage.lastIndex(), this.snapshotIndex);
  }

  /** The first index still held as an entry: what a lagging follower can be sent. */
  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The term of the entry at `index`; undefined when compacted away or beyond the end. */
  term(index: number): number | undefined {
    if (index === 0) return 0;
    const e = this.storage.entry(index) as Entry | undefined;
    if (e !== undefined) return e.term;
    return index === this.snap?.index ? this.snap.term : undefined;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  entry(index: number): Entry {
    const e = this.storage.entry(index);
    if (e === undefined) throw new RangeError(`raft log: no entry at ${index}`);
    return e as unknown as Entry;
  }

  /** Entries in [from, to); `from` must be past the snapshot. */
  entries(from: number, to: number): readonly Entry[] {
    if (from < this.firstIndex()) throw new RangeError(`raft log: ${from} is compacted`);
    return this.storage.entries(from, Math.min(to, this.lastIndex() + 1)) as unknown as Entry[];
  }

  /**
   * Whether a candidate whose log ends at (lastIndex, lastTerm) is at least as up to date as
   * this one (Raft §5.4.1): a later last term wins; with equal terms, the longer log.
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The first index in `entries` (starting at `from`) that this log lacks or holds with
   * another term; 0 when every one is already here (a duplicate or stale append).
   */
  findConflict(from: number, entries: readonly Entry[]): number {
    for (let i = 0; i < entries.length; i++) {
      const index = from + i;
      const term = this.term(index);
      // Below the snapshot everything is committed, so it matches by the Log Matching property.
      if (index <= this.snapshotIndex && term === undefined) continue;
      if (term !== entries[i].term) return index;
    }
    return 0;
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term` (etcd's findConflictByTerm): a
   * rejected append's hint, letting the leader skip a whole term of mismatched entries per
   * round trip instead of one entry (Raft §5.3's optimisation, as etcd implements it).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    // Below the snapshot the terms are gone: say so (term 0, as etcd does), so that a leader
    // probing a follower behind its snapshot sends the snapshot next, not another append.
    if (index < this.snapshotIndex) return { index, term: 0 };
    let i = Math.min(index, this.lastIndex());
    for (; i > this.snapshotIndex; i--) {
      const t = this.term(i) ?? 0;
      if (t <= term) return { index: i, term: t };
    }
    return { index: this.snapshotIndex, term: this.term(this.snapshotIndex) ?? 0 };
  }

  /** Appends after lastIndex. */
  append(entries: readonly Entry[]): void {
    if (entries.length > 0) this.storage.append(entries as unknown as Json[]);
  }

  /** Drops the entries from `from` on (log repair); never below the snapshot. */
  truncateFrom(from: number): void {
    if (from <= this.snapshotIndex) throw new RangeError(`raft log: truncating compacted ${from}`);
    if (from <= this.storage.lastIndex()) this.storage.truncate(from);
  }

  /** Records a snapshot of this replica's own state machine and compacts the log under it. */
  compact(snapshot: Snapshot): void {
    this.putSnapshot(snapshot);
    this.storage.compact(snapshot.index);
  }

  /**
   * Replaces the log by a snapshot received from the leader (etcd's restore). The snapshot is
   * recorded first: a crash part way then leaves it with the old entries, which the next start
   * discards, never an emptied log without the snapshot (entries this replica acknowledged,
   * gone).
   */
  restore(snapshot: Snapshot): void {
    this.putSnapshot(snapshot);
    this.finishCompaction(snapshot);
  }

  private finishCompaction(snapshot: Snapshot): void {
    const stored = this.storage.entry(snapshot.index) as Entry | undefined;
    const first = this.storage.firstIndex();
    if (stored?.term !== snapshot.term && first <= this.storage.lastIndex()) {
      this.storage.truncate(first);
    }
    this.storage.compact(snapshot.index);
  }

  private putSnapshot(snapshot: Snapshot): void {
    this.snap = snapshot;
    this.storage.put(SNAPSHOT_KEY, {
      index: snapshot.index,
      term: snapshot.term,
      state: snapshot.state as unknown as Json,
    });
  }
}
