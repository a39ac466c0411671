/**
 * A replica's durable history over DurableStorage: every update it applied, in the order it
 * applied them (its own seals and other origins' batches), and, at a leader, every local op it
 * acknowledged and has not sealed yet. It serves three purposes:
 *
 * - Restart: a replica rebuilds its state by replaying the snapshot and then the log. Replay
 *   skips any update its version vector already covers, so a torn compaction (below) is safe.
 * - Resending: anti-entropy asks "what does a peer with vector V lack?"; the answer is the
 *   entries with seq > V[origin], in log order, which is a causal order (this replica applied
 *   them so), so a receiver can apply a resend as it arrives. An in-memory index per origin
 *   (seq → log index) finds where to start.
 * - Acknowledged ops survive a crash: a leader journals each op and syncs before answering;
 *   on restart, ops journaled after its last seal are staged again and sealed anew.
 *
 * Bounded by compaction: once every replica that may ask this one (the other leaders and its
 * own followers) has applied an entry, it is not needed for resending; the resolver's state
 * plus the applied vector (a snapshot in hard state) replaces it for restarts. Entries some
 * replica still lacks are appended again after the snapshot before the old log is dropped,
 * in an order that any crash prefix replays correctly (append, then snapshot, then compact).
 */
import { vv, type VersionVector } from '../../../core/clocks';
import { isNodeId, isRequestId, type NodeId, type RequestId } from '../../../core/ids';
import { isJsonObject, type Json } from '../../../core/json';
import { readOp, type Op } from '../../../core/messages/client';
import { isPresent, object, required } from '../../../core/messages/shape';
import type { DurableStorage } from '../../../core/storage/durable-storage';
import { readUpdate, updateJson, updateSize, type Update, type UpdateReader } from './update';

const SNAPSHOT_KEY = 'multi-leader-snapshot';

export interface Snapshot {
  /** What the snapshot's state contains: the applied version vector when it was taken. */
  readonly applied: VersionVector;
  /** The replica's state (resolver, conflict detector, remembered outcomes). */
  readonly state: Json;
}

export type LoggedEntry =
  | { readonly kind: 'op'; readonly id: RequestId; readonly op: Op; readonly value: Json }
  | { readonly kind: 'update'; readonly update: Update };

interface Dot {
  readonly origin: NodeId;
  readonly seq: number;
}

export interface Missing {
  readonly updates: Update[];
  /** Whether everything the peer lacks (that this log still holds) fits in `updates`. */
  readonly complete: boolean;
  /** Origins whose needed updates were compacted away here (the peer needs a snapshot). */
  readonly unavailable: NodeId[];
}

export class UpdateLog {
  /** The dot of each entry from firstIndex on (undefined for journaled ops). */
  private dots: (Dot | undefined)[] = [];
  private byOrigin = new Map<NodeId, { first: number; indexes: number[] }>();
  private appended = 0;
  private appendedBytes = 0;

  constructor(
    private readonly storage: DurableStorage,
    private readonly reader: UpdateReader,
  ) {}

  /** Entries appended since the last compaction, in this life or an earlier one. */
  get sinceCompaction(): number {
    return this.appended;
  }

  /** JSON bytes of the entries appended since the last compaction, in any life. */
  get bytesSinceCompaction(): number {
    return this.appendedBytes;
  }

  /** Entries the log holds. */
  get length(): number {
    return this.storage.lastIndex() - this.storage.firstIndex() + 1;
  }

  /** Reads the snapshot and every entry back, and indexes them: what `onStart` replays. */
  load(): { snapshot: Snapshot | undefined; entries: LoggedEntry[] } {
    const raw = this.storage.get(SNAPSHOT_KEY);
    const snapshot = raw === undefined ? undefined : readSnapshot(raw);
    const first = this.storage.firstIndex();
    const raws = this.storage.entries(first, this.storage.lastIndex() + 1);
    const entries = raws.map((e, i) => this.readEntry(e, `log[${first + i}]`));
    this.reindex();
    // What an earlier life appended counts toward the next compaction too: a replica crashed
    // more often than it appends `compactEvery` entries (the soak's nemesis kills a leader
    // every minute or two) otherwise never compacts, and its log and restarts grow without
    // bound (a 26 MB journal after 11 minutes of the lww soak, every restart replaying it).
    this.appended = raws.length;
    this.appendedBytes = raws.reduce((sum: number, e) => sum + JSON.stringify(e).length, 0);
    return { snapshot, entries };
  }

  /** Journals an acknowledged local op (synced by the caller before it answers). */
  journal(id: RequestId, op: Op, value: Json): void {
    const entry = { op: { id, op: op as unknown as Json, value } };
    this.storage.append([entry]);
    this.dots.push(undefined);
    this.appended++;
    this.appendedBytes += JSON.stringify(entry).length;
  }

  /** Records updates as applied, in the order they were. */
  record(updates: readonly Update[]): void {
    if (updates.length === 0) return;
    const at = this.storage.lastIndex() + 1;
    this.storage.append(updates.map((u) => ({ update: updateJson(u) })));
    updates.forEach((u, i) => this.index(u, at + i));
    this.appended += updates.length;
    for (const u of updates) this.appendedBytes += updateSize(u).bytes;
  }

  sync(): void {
    this.storage.sync();
  }

  /**
   * What a replica with `has` lacks, in this log's order, up to about `budgetBytes` of JSON
   * (at least one update, so a single large one still moves).
   */
  missing(has: (origin: NodeId) => number, budgetBytes: number): Missing {
    const unavailable: NodeId[] = [];
    let start = Infinity;
    for (const [origin, { first, indexes }] of this.byOrigin) {
      const want = has(origin) + 1;
      if (want < first) unavailable.push(origin);
      const offset = Math.max(want, first) - first;
      if (offset < indexes.length) start = Math.min(start, indexes[offset]);
    }
    const updates: Update[] = [];
    let bytes = 0;
    const base = this.storage.firstIndex();
    const last = this.storage.lastIndex();
    for (let i = start; i <= last; i++) {
      const dot = this.dots[i - base];
      if (dot === undefined || dot.seq <= has(dot.origin)) continue;
      if (updates.length > 0 && bytes >= budgetBytes)
        return { updates, complete: false, unavailable };
      const entry = this.readEntry(this.storage.entry(i), `log[${i}]`);
      if (entry.kind !== 'update') continue;
      updates.push(entry.update);
      bytes += JSON.stringify(entry.update).length;
    }
    return { updates, complete: true, unavailable };
  }

  /**
   * Replaces the log by `snapshot`, keeping (appended again) the updates `covered` says some
   * replica may still ask for. The caller has sealed, so no journaled op is left unsealed.
   */
  compact(snapshot: Snapshot, covered: (origin: NodeId, seq: number) => boolean): void {
    const through = this.storage.lastIndex();
    const base = this.storage.firstIndex();
    const kept: Json[] = [];
    for (let i = base; i <= through; i++) {
      const dot = this.dots[i - base];
      if (dot !== undefined && !covered(dot.origin, dot.seq)) {
        kept.push(this.storage.entry(i) ?? null);
      }
    }
    this.storage.append(kept);
    this.storage.put(SNAPSHOT_KEY, { applied: snapshot.applied, state: snapshot.state });
    this.storage.compact(through);
    this.storage.sync();
    this.reindex();
    this.appended = 0;
    this.appendedBytes = 0;
  }

  private reindex(): void {
    this.dots = [];
    this.byOrigin = new Map();
    const first = this.storage.firstIndex();
    const last = this.storage.lastIndex();
    for (let i = first; i <= last; i++) {
      const e = this.storage.entry(i);
      const u = isJsonObject(e) && isJsonObject(e.update) ? e.update : undefined;
      const origin = u?.origin;
      const seq = u?.seq;
      if (isNodeId(origin) && typeof seq === 'number') this.index({ origin, seq }, i);
      else this.dots.push(undefined);
    }
  }

  /** Indexes the entry at `at` (dots are pushed in log order). */
  private index(dot: Dot, at: number): void {
    const base = this.storage.firstIndex();
    while (this.dots.length < at - base) this.dots.push(undefined);
    const slot = this.byOrigin.get(dot.origin);
    const last = slot === undefined ? 0 : slot.first + slot.indexes.length - 1;
    if (slot !== undefined && dot.seq <= last) {
      // A copy a torn compaction left behind: the first one serves.
      this.dots.push(undefined);
      return;
    }
    this.dots.push({ origin: dot.origin, seq: dot.seq });
    if (slot === undefined || dot.seq !== last + 1) {
      this.byOrigin.set(dot.origin, { first: dot.seq, indexes: [at] });
    } else {
      slot.indexes.push(at);
    }
  }

  private readEntry(e: Json | undefined, path: string): LoggedEntry {
    const o = object(e, path, ['op', 'update']);
    if (o.update !== undefined) {
      return { kind: 'update', update: readUpdate(o.update, `${path}.update`, this.reader) };
    }
    const j = object(o.op, `${path}.op`, ['id', 'op', 'value']);
    return {
      kind: 'op',
      id: required(j, 'id', `${path}.op`, isRequestId, 'a request id'),
      op: readOp(j.op, `${path}.op.op`),
      value: required(j, 'value', `${path}.op`, isPresent, 'a value'),
    };
  }
}

function readSnapshot(raw: Json): Snapshot {
  const o = object(raw, SNAPSHOT_KEY, ['applied', 'state']);
  const isVector = (v: Json | undefined): v is VersionVector => vv.isVersionVector(v);
  return {
    applied: required(o, 'applied', SNAPSHOT_KEY, isVector, 'a version vector'),
    state: required(o, 'state', SNAPSHOT_KEY, isPresent, 'a state'),
  };
}
