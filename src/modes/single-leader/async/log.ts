import type { RequestId } from '../../../core/ids';
import { isJsonObject, type Json } from '../../../core/json';
import type { ClientResult, Op } from '../../../core/messages/client';
import type { DurableStorage } from '../../../core/storage/durable-storage';
import type { RegisterStore } from '../../shared/register-store';

/** The first entry of every epoch: it makes the epoch's log diverge at once from any stale suffix, as Raft's no-op entry does. */
export interface EpochStart {
  readonly epoch: number;
  readonly id?: undefined;
  readonly op?: undefined;
}

/** A client's update, replayed on every replica by the register store. */
export interface LoggedUpdate {
  readonly epoch: number;
  readonly id: RequestId;
  readonly op: Op;
}

export type LogEntry = EpochStart | LoggedUpdate;

/** The state at a log index: what a snapshot keeps, and what a primary ships to a backup. */
export interface Snapshot {
  readonly index: number;
  /** The epoch of the entry at `index` (0 at index 0), for the log-matching check. */
  readonly epoch: number;
  readonly data: readonly (readonly [string, Json])[];
  readonly outcomes: readonly (readonly [RequestId, ClientResult])[];
}

/** Each stored entry carries its own log index: see ReplicatedLog. */
interface StoredEntry {
  readonly i: number;
  readonly epoch: number;
  readonly id?: RequestId;
  readonly op?: Op;
}

const SNAPSHOT_KEY = 'snapshot';
const EMPTY: Snapshot = { index: 0, epoch: 0, data: [], outcomes: [] };

/**
 * The replicated log over DurableStorage, in the protocol's indexes.
 *
 * Unlike Raft's, an async replica's snapshot may cover writes that a later primary never had
 * (it was taken while following a primary that was then deposed), and then the replica must
 * start over from the new primary's state, at an index that may lie below its own
 * snapshot's. Storage indexes cannot go back, so protocol index = storage index + `offset`,
 * and installing a snapshot empties the log and moves the offset. Each stored entry keeps its
 * protocol index so that recovery can find the offset again and skip entries a crash left
 * behind a newer snapshot.
 *
 * Write order keeps every crash recoverable (storage keeps a prefix of the unsynced writes):
 * compaction puts the snapshot before it compacts (a crash leaves extra entries, skipped),
 * installation empties the log before it puts the snapshot (a crash leaves the older
 * snapshot alone: a state the node had, which the next primary's log check repairs).
 */
export class ReplicatedLog {
  private snap: { index: number; epoch: number } = EMPTY;
  private offset = 0;

  constructor(private readonly storage: DurableStorage) {}

  get snapshotIndex(): number {
    return this.snap.index;
  }

  lastIndex(): number {
    return this.storage.lastIndex() + this.offset;
  }

  lastEpoch(): number {
    return this.epochAt(this.lastIndex()) ?? 0;
  }

  /** The epoch of the entry at `index`, or undefined when it is not held (compacted or beyond). */
  epochAt(index: number): number | undefined {
    if (index === this.snap.index) return this.snap.epoch;
    if (index < this.snap.index || index > this.lastIndex()) return undefined;
    return this.stored(index).epoch;
  }

  /** Entries with `from ≤ index < to`, both above the snapshot. */
  entries(from: number, to: number): LogEntry[] {
    return this.storage
      .entries(from - this.offset, to - this.offset)
      .map((raw) => toEntry(raw as unknown as StoredEntry));
  }

  append(entries: readonly LogEntry[]): void {
    let i = this.lastIndex();
    this.storage.append(entries.map((e): Json => ({ ...e, i: ++i }) as unknown as Json));
  }

  /** Drops the entries from `index` on (`index` > snapshotIndex). */
  truncateFrom(index: number): void {
    this.storage.truncate(index - this.offset);
  }

  /** Snapshot the store's state (the state at lastIndex) and drop the entries it covers. */
  compact(store: RegisterStore): void {
    const index = this.lastIndex();
    const snapshot: Snapshot = {
      index,
      epoch: this.lastEpoch(),
      data: [...store.data],
      outcomes: store.remembered(),
    };
    this.storage.put(SNAPSHOT_KEY, snapshot as unknown as Json);
    this.storage.compact(index - this.offset);
    this.snap = { index, epoch: snapshot.epoch };
  }

  /** Replace the whole log by a snapshot (a primary's state that this replica lacks). */
  install(snapshot: Snapshot): void {
    this.storage.truncate(this.storage.firstIndex());
    this.storage.put(SNAPSHOT_KEY, snapshot as unknown as Json);
    this.snap = { index: snapshot.index, epoch: snapshot.epoch };
    this.offset = snapshot.index - this.storage.lastIndex();
  }

  /** Read the log back from storage and rebuild `store` from the snapshot and the entries. */
  load(store: RegisterStore): void {
    const saved = this.storage.get(SNAPSHOT_KEY);
    const snapshot = isJsonObject(saved) ? (saved as unknown as Snapshot) : EMPTY;
    this.snap = { index: snapshot.index, epoch: snapshot.epoch };
    const first = this.storage.entry(this.storage.firstIndex()) as unknown as
      StoredEntry | undefined;
    if (first === undefined || first.i > snapshot.index + 1) {
      // Empty, or (only if storage broke its contract) a gap after the snapshot: start clean.
      if (first !== undefined) this.storage.truncate(this.storage.firstIndex());
      this.offset = snapshot.index - this.storage.lastIndex();
    } else {
      this.offset = first.i - this.storage.firstIndex();
    }
    for (const [key, value] of snapshot.data) store.data.set(key, value);
    for (const [id, result] of snapshot.outcomes) store.remember(id, result);
    const from = snapshot.index + 1;
    if (from <= this.lastIndex()) replay(store, this.entries(from, this.lastIndex() + 1));
  }

  private stored(index: number): StoredEntry {
    return this.storage.entry(index - this.offset) as unknown as StoredEntry;
  }
}

/** Apply entries to a store, in order: what a backup does with what it receives. */
export function replay(store: RegisterStore, entries: readonly LogEntry[]): number {
  let updates = 0;
  for (const e of entries) {
    if (e.id === undefined) continue;
    const { result, changed } = store.apply(e.id, e.op);
    if (changed !== undefined) store.data.set(e.op.key, changed);
    store.remember(e.id, result);
    updates++;
  }
  return updates;
}

function toEntry(s: StoredEntry): LogEntry {
  return s.id === undefined || s.op === undefined
    ? { epoch: s.epoch }
    : { epoch: s.epoch, id: s.id, op: s.op };
}
