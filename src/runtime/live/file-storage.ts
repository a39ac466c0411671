/**
 * DurableStorage on disk: what each live replica process keeps its log and hard state in.
 * The contract is in src/core/storage/durable-storage.ts; this is how a directory meets it.
 *
 * ## Layout
 *
 * The directory holds one file, `journal`: the state as a sequence of records, one a line,
 *
 *     <crc32 of the JSON, 8 hex digits> <record as JSON>\n
 *
 * beginning with a header (`{"kind":"header","format":"geolab-file-storage","version":1}`) and
 * followed by the writes themselves (`append`, `truncate`, `compact`, `put`, `delete`), so a
 * person can read the file with `cut -c10- journal | jq`. Opening replays the records into
 * memory; reads are served from memory and never touch the disk (contract point 1).
 *
 * ## Writes and sync
 *
 * A write updates memory at once and encodes its record into a pending buffer; nothing reaches
 * the file until `sync()`, which writes the pending records at the end of the journal and
 * fsyncs it before returning. So a crash loses exactly the writes after the last sync that
 * returned (the harsh reading the conformance suite assumes), and the live runtime meets
 * "output after sync waits for durability" (point 3) by blocking, which is cheap enough: a
 * sync took a median of 0.3 to 0.7 ms on the lab's VM (docs/storage.md). A sync with nothing
 * pending does no I/O.
 *
 * A failed write, fsync, rename or directory fsync throws an Error that says the process must
 * stop, and every later write or sync throws it again: the runtime exits (point 5, as etcd
 * panics). Retrying is unsafe, because after a failed fsync Linux may drop the dirty pages and
 * report the next fsync as a success (the PostgreSQL "fsyncgate" of 2018).
 *
 * ## Crashes: torn and corrupt records
 *
 * A crash during a sync can leave the journal with a partial last record, or with records
 * whose bytes never reached the disk. Opening reads records until the first one that is not
 * whole (no newline) or fails its checksum. If no valid record follows it, it is the torn tail
 * of a sync that never returned: it is dropped, and the file is cut back to the last whole
 * record before anything new is appended (else it would become a hole in the middle). If a
 * valid record does follow, the damage is to data that was synced once, so opening fails,
 * naming the file and byte offset: loading the records around the hole would silently give
 * the replica a state it never had, such as a vote it never cast. The rule cannot tell a
 * disk that persisted a later page of an unsynced write before an earlier one from real
 * damage; it then refuses rather than guesses (the lab's crashes are process kills, where
 * the page cache survives and only the tail can be torn). A record that passes its checksum
 * but does not make sense (an index outside the log) is also refused: that is a bug.
 *
 * ## Bounded size: rewriting the journal
 *
 * Truncations, compactions and overwritten hard state leave dead records behind. When a sync
 * finds that the journal would grow past both `rewriteMinBytes` and `rewriteRatio` times the
 * live state, it writes the whole current state instead (header, `compact` to the first
 * index, the entries in chunks, one `put` a key) to `journal.tmp`, fsyncs it, renames it over
 * `journal` and fsyncs the directory. That sync is durable once the directory fsync returns.
 * Every step is crash-safe: before the rename the old journal is whole and opening deletes
 * the leftover temporary file; after it either name is a complete journal (the temporary file
 * was fsynced before it was renamed), holding the state before or after the sync, both
 * allowed since that sync had not returned. With the default ratio of 2 the file stays under
 * the larger of twice the live state and `rewriteMinBytes` after every sync, and a
 * rewrite writes fewer bytes than the dead ones it drops. It blocks the replica for as long
 * as it takes to write the live state: keep that small with `compact`.
 *
 * Values are frozen when written (deepFreeze), as the in-memory store does, so a mode that
 * mutates a value after storing it fails the same way in both runtimes (contract point 4).
 * One process may open a directory at a time; nothing enforces that.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { deepFreeze, type Json } from '../../core/json';
import { checkHardStateKey, type DurableStorage } from '../../core/storage/durable-storage';
import { checkLogBound, entriesOf, entryOf, lastIndexOf } from '../../core/storage/log-view';

export const JOURNAL_FILE = 'journal';
export const JOURNAL_TEMP_FILE = 'journal.tmp';
const FORMAT = 'geolab-file-storage';
const VERSION = 1;

type Write =
  | { readonly kind: 'append'; readonly entries: readonly Json[] }
  | { readonly kind: 'truncate'; readonly from: number }
  | { readonly kind: 'compact'; readonly through: number }
  | { readonly kind: 'put'; readonly key: string; readonly value: Json }
  | { readonly kind: 'delete'; readonly key: string };

type JournalRecord =
  { readonly kind: 'header'; readonly format: string; readonly version: number } | Write;

const HEADER: JournalRecord = { kind: 'header', format: FORMAT, version: VERSION };

/** The file-system calls FileStorage makes; node:fs by default, tests inject failures. */
export interface StorageIo {
  openSync(file: string, flags: string): number;
  closeSync(fd: number): void;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  readFileSync(file: string): Buffer;
  mkdirSync(dir: string, options: { recursive: true }): string | undefined;
}

export interface FileStorageOptions {
  /** A journal smaller than this is never rewritten (default 1 MiB): small files are cheap. */
  readonly rewriteMinBytes?: number;
  /** Rewrite once the journal exceeds this multiple of the live state (default 2, ≥ 1.5). */
  readonly rewriteRatio?: number;
  readonly io?: StorageIo;
}

export interface FileStorageStats {
  /** Bytes in the journal file, all of them synced. */
  readonly journalBytes: number;
  /** Bytes of records written since the last sync, not yet in the file. */
  readonly pendingBytes: number;
  /** Estimated size of the current state as records: about what a rewrite would write. */
  readonly liveBytes: number;
  /** Syncs that wrote something (a sync with nothing pending does no I/O). */
  readonly syncs: number;
  /** Journal rewrites since open. */
  readonly rewrites: number;
  /** Bytes of a torn final record that opening dropped (0 after a clean shutdown). */
  readonly tornBytesDropped: number;
}

/** What the journal holds, with each entry's and key's share of the file for size estimates. */
interface State {
  /** Index of log[0]. */
  first: number;
  log: Json[];
  entryBytes: number[];
  logBytes: number;
  hard: Map<string, Json>;
  hardBytes: Map<string, number>;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const CHECKSUM_DIGITS = 8;
const CHECKSUM_PATTERN = /^[0-9a-f]{8}$/;
/** Entries per `append` record in a rewritten journal are grouped up to about this size. */
const REWRITE_CHUNK_BYTES = 64 * 1024;
/** What an append record costs besides its entries, which the live estimate leaves out. */
const APPEND_FRAMING_BYTES = encodeRecord({ kind: 'append', entries: [] }).length;

export class FileStorage implements DurableStorage {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private syncs = 0;
  private rewrites = 0;
  /** Set when the store was closed or an I/O call failed: every later write and sync throws it. */
  private stopped: Error | undefined;
  private readonly rewriteMinBytes: number;
  private readonly rewriteRatio: number;

  private constructor(
    readonly dir: string,
    private readonly io: StorageIo,
    private readonly state: State,
    private fd: number,
    private journalBytes: number,
    private readonly tornBytesDropped: number,
    options: FileStorageOptions,
  ) {
    this.rewriteMinBytes = options.rewriteMinBytes ?? 1024 * 1024;
    this.rewriteRatio = options.rewriteRatio ?? 2;
  }

  /**
   * Opens the store in `dir`, creating the directory and an empty journal if there is none.
   * Throws if the journal is corrupt or not a journal, naming the file and the byte offset.
   */
  static open(dir: string, options: FileStorageOptions = {}): FileStorage {
    if (typeof zlib.crc32 !== 'function') {
      throw new Error('FileStorage needs zlib.crc32, which Node.js has from 20.15 and 22.2 on');
    }
    checkOptions(options);
    const io = options.io ?? fs;
    dir = path.resolve(dir);
    const file = path.join(dir, JOURNAL_FILE);
    const created = io.mkdirSync(dir, { recursive: true });
    // A rewrite that stopped before its rename: the journal beside it is whole.
    removeIfPresent(io, path.join(dir, JOURNAL_TEMP_FILE));
    let data = readIfPresent(io, file);
    if (data === undefined) {
      data = encodeRecord(HEADER);
      io.closeSync(replaceJournal(io, dir, data));
      // New directories are entries in their parents, which must reach the disk too.
      if (created !== undefined) {
        for (let d = dir; d !== path.dirname(created); d = path.dirname(d)) {
          fsyncDirectory(io, path.dirname(d));
        }
      }
    }
    const { state, validBytes } = replay(file, data);
    const fd = io.openSync(file, 'r+');
    if (validBytes < data.length) {
      io.ftruncateSync(fd, validBytes);
      io.fsyncSync(fd);
    }
    return new FileStorage(dir, io, state, fd, validBytes, data.length - validBytes, options);
  }

  firstIndex(): number {
    return this.state.first;
  }

  lastIndex(): number {
    return lastIndexOf(this.state);
  }

  entry(index: number): Json | undefined {
    return entryOf(this.state, index);
  }

  entries(from: number, to: number): readonly Json[] {
    return entriesOf(this.state, from, to);
  }

  append(entries: readonly Json[]): void {
    this.checkUsable();
    if (entries.length === 0) return;
    this.write({ kind: 'append', entries: entries.map((e) => deepFreeze(e)) });
  }

  truncate(from: number): void {
    this.checkUsable();
    checkLogBound(this.state, 'from', from);
    if (from === this.lastIndex() + 1) return;
    this.write({ kind: 'truncate', from });
  }

  compact(through: number): void {
    this.checkUsable();
    if (!Number.isSafeInteger(through)) throw new RangeError(`compact(${through}): not an index`);
    if (through < this.firstIndex()) return;
    this.write({ kind: 'compact', through });
  }

  get(key: string): Json | undefined {
    return this.state.hard.get(key);
  }

  put(key: string, value: Json): void {
    this.checkUsable();
    checkHardStateKey(key);
    this.write({ kind: 'put', key, value: deepFreeze(value) });
  }

  delete(key: string): void {
    this.checkUsable();
    checkHardStateKey(key);
    if (this.state.hard.has(key)) this.write({ kind: 'delete', key });
  }

  keys(): readonly string[] {
    return [...this.state.hard.keys()].sort();
  }

  /** Blocks until every write so far is on disk; throws (fail-stop) if the disk fails. */
  sync(): void {
    this.checkUsable();
    if (this.pending.length === 0) return;
    const grown = this.journalBytes + this.pendingBytes;
    if (grown > this.rewriteMinBytes && grown > this.rewriteRatio * this.liveBytes()) {
      this.rewrite();
    } else {
      const data = Buffer.concat(this.pending, this.pendingBytes);
      this.failStop('appending to the journal', () => {
        writeFully(this.io, this.fd, data, this.journalBytes);
        this.io.fsyncSync(this.fd);
      });
      this.journalBytes += data.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.syncs++;
  }

  /**
   * Syncs what is pending and closes the file; later writes and syncs throw. A clean shutdown's
   * courtesy only: a mode must not count on writes it did not sync.
   */
  close(): void {
    if (this.stopped !== undefined) return;
    this.sync();
    this.failStop('closing the journal', () => this.io.closeSync(this.fd));
    this.stopped = new Error(`${this.journalPath()}: the store was closed`);
  }

  stats(): FileStorageStats {
    return {
      journalBytes: this.journalBytes,
      pendingBytes: this.pendingBytes,
      liveBytes: Math.round(this.liveBytes()),
      syncs: this.syncs,
      rewrites: this.rewrites,
      tornBytesDropped: this.tornBytesDropped,
    };
  }

  private write(w: Write): void {
    const record = encodeRecord(w);
    apply(this.state, w, record.length);
    this.pending.push(record);
    this.pendingBytes += record.length;
  }

  /** Replaces the journal with one holding just the current state; see the doc comment. */
  private rewrite(): void {
    const data = Buffer.concat(snapshotRecords(this.state).map(encodeRecord));
    const fd = this.failStop('rewriting the journal', () =>
      replaceJournal(this.io, this.dir, data),
    );
    // The old descriptor names the replaced file; closing it cannot lose anything.
    this.failStop('closing the replaced journal', () => this.io.closeSync(this.fd));
    this.fd = fd;
    this.journalBytes = data.length;
    this.rewrites++;
  }

  private liveBytes(): number {
    let bytes = this.state.logBytes;
    for (const b of this.state.hardBytes.values()) bytes += b;
    return bytes;
  }

  private checkUsable(): void {
    if (this.stopped !== undefined) throw this.stopped;
  }

  private failStop<T>(what: string, io: () => T): T {
    try {
      return io();
    } catch (cause) {
      this.stopped = new Error(
        `${this.journalPath()}: ${what} failed (${describeError(cause)}); the writes since the ` +
          'last sync may not be durable, so this replica must stop (fail-stop)',
        { cause },
      );
      throw this.stopped;
    }
  }

  private journalPath(): string {
    return path.join(this.dir, JOURNAL_FILE);
  }
}

function checkOptions(options: FileStorageOptions): void {
  const { rewriteMinBytes = 0, rewriteRatio = 2 } = options;
  if (!(rewriteMinBytes >= 0)) {
    throw new RangeError(`rewriteMinBytes = ${rewriteMinBytes}: expected a size in bytes ≥ 0`);
  }
  // A fresh journal is the live state plus its framing, so at a ratio near 1 nearly every sync
  // past the minimum would rewrite it; from 1.5 on a rewrite removes half its size in dead bytes.
  if (!(rewriteRatio >= 1.5)) {
    throw new RangeError(`rewriteRatio = ${rewriteRatio}: expected a number ≥ 1.5 (default 2)`);
  }
}

/**
 * Applies a write to memory. `recordBytes`, its record's size, feeds the estimate of what a
 * rewrite would write: each entry is charged its share of the record without the framing (a
 * rewrite puts many entries in one record), each key its last `put`.
 */
function apply(state: State, w: Write, recordBytes: number): void {
  switch (w.kind) {
    case 'append': {
      // + 1: n entries take n - 1 commas here, and one more each when joined with others.
      const share = (recordBytes - APPEND_FRAMING_BYTES + 1) / w.entries.length;
      for (const e of w.entries) {
        state.log.push(e);
        state.entryBytes.push(share);
      }
      state.logBytes += share * w.entries.length;
      return;
    }
    case 'truncate':
      dropEntries(state, w.from - state.first, state.log.length);
      return;
    case 'compact':
      dropEntries(state, 0, Math.min(w.through - state.first + 1, state.log.length));
      state.first = w.through + 1;
      return;
    case 'put':
      state.hard.set(w.key, w.value);
      state.hardBytes.set(w.key, recordBytes);
      return;
    case 'delete':
      state.hard.delete(w.key);
      state.hardBytes.delete(w.key);
      return;
  }
}

/** Removes log[start, end): a prefix (compact) or a suffix (truncate). */
function dropEntries(state: State, start: number, end: number): void {
  for (let i = start; i < end; i++) state.logBytes -= state.entryBytes[i];
  state.log.splice(start, end - start);
  state.entryBytes.splice(start, end - start);
  // Shares are fractions; resetting at empty keeps rounding drift from accumulating.
  if (state.log.length === 0) state.logBytes = 0;
}

/** The records of a journal that holds `state` and nothing else. */
function snapshotRecords(state: State): JournalRecord[] {
  const records: JournalRecord[] = [HEADER];
  if (state.first > 1) records.push({ kind: 'compact', through: state.first - 1 });
  let chunk: Json[] = [];
  let chunkBytes = 0;
  state.log.forEach((e, i) => {
    chunk.push(e);
    chunkBytes += state.entryBytes[i];
    if (chunkBytes >= REWRITE_CHUNK_BYTES) {
      records.push({ kind: 'append', entries: chunk });
      chunk = [];
      chunkBytes = 0;
    }
  });
  if (chunk.length > 0) records.push({ kind: 'append', entries: chunk });
  for (const key of [...state.hard.keys()].sort()) {
    records.push({ kind: 'put', key, value: state.hard.get(key) ?? null });
  }
  return records;
}

function encodeRecord(record: JournalRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(record), 'utf8');
  const line = Buffer.allocUnsafe(CHECKSUM_DIGITS + 1 + payload.length + 1);
  line.write(zlib.crc32(payload).toString(16).padStart(CHECKSUM_DIGITS, '0'), 0, 'latin1');
  line[CHECKSUM_DIGITS] = SPACE;
  payload.copy(line, CHECKSUM_DIGITS + 1);
  line[line.length - 1] = NEWLINE;
  return line;
}

/** The record's JSON if the line (without its newline) is whole, else why it is not. */
function checkLine(line: Buffer): { json: string } | { damage: string } {
  const digits = line.toString('latin1', 0, CHECKSUM_DIGITS);
  if (line.length < CHECKSUM_DIGITS + 2 || line[CHECKSUM_DIGITS] !== SPACE) {
    return { damage: 'no "<checksum> " prefix' };
  }
  if (!CHECKSUM_PATTERN.test(digits)) return { damage: `checksum ${JSON.stringify(digits)}` };
  const payload = line.subarray(CHECKSUM_DIGITS + 1);
  const actual = zlib.crc32(payload);
  if (actual !== Number.parseInt(digits, 16)) {
    return { damage: `checksum mismatch (stored ${digits}, computed ${actual.toString(16)})` };
  }
  return { json: payload.toString('utf8') };
}

/**
 * Loads a journal. Returns the state and the length of its valid prefix (shorter than the
 * data when a torn final record was dropped); throws on a corrupt or unreadable journal.
 */
function replay(file: string, data: Buffer): { state: State; validBytes: number } {
  const state: State = {
    first: 1,
    log: [],
    entryBytes: [],
    logBytes: 0,
    hard: new Map(),
    hardBytes: new Map(),
  };
  let offset = 0;
  for (let line = 1; offset < data.length; line++) {
    const end = data.indexOf(NEWLINE, offset);
    if (end < 0) break; // the unterminated tail of an interrupted write
    const checked = checkLine(data.subarray(offset, end));
    if ('damage' in checked) {
      const valid = nextValidRecord(data, end + 1);
      if (valid === undefined) break; // only damage from here on: a torn tail
      throw new Error(
        `${file}: corrupt record at byte offset ${offset} (line ${line}): ${checked.damage}; ` +
          `a valid record follows at byte offset ${valid}, so this is damage to synced data, ` +
          'not a torn write. Restore the directory from a copy, or cut the file at that offset ' +
          'to keep only the records before it',
      );
    }
    try {
      const record = parseRecord(checked.json, state, line === 1);
      if (record.kind !== 'header') apply(state, record, end + 1 - offset);
    } catch (e) {
      throw new Error(
        `${file}: invalid record at byte offset ${offset} (line ${line}): ${describeError(e)}`,
        { cause: e },
      );
    }
    offset = end + 1;
  }
  if (offset === 0) {
    throw new Error(`${file}: no whole header record; not a ${FORMAT} journal`);
  }
  return { state, validBytes: offset };
}

/** The offset of the first line at or after `from` that passes its checksum, if any. */
function nextValidRecord(data: Buffer, from: number): number | undefined {
  for (let offset = from; offset < data.length;) {
    const end = data.indexOf(NEWLINE, offset);
    if (end < 0) return undefined;
    if ('json' in checkLine(data.subarray(offset, end))) return offset;
    offset = end + 1;
  }
  return undefined;
}

/** Parses and validates one record against the state it applies to; throws why not. */
function parseRecord(json: string, state: State, first: boolean): JournalRecord {
  const r: unknown = JSON.parse(json);
  if (typeof r !== 'object' || r === null || !('kind' in r)) {
    throw new Error('not an object with a "kind"');
  }
  if (first !== (r.kind === 'header')) {
    throw new Error(first ? `expected a ${FORMAT} header` : 'a header after the first line');
  }
  switch (r.kind) {
    case 'header':
      if (!('format' in r) || r.format !== FORMAT || !('version' in r)) {
        throw new Error(`not a ${FORMAT} journal`);
      }
      if (r.version !== VERSION) {
        throw new Error(`format version ${JSON.stringify(r.version)}; this build reads ${VERSION}`);
      }
      return HEADER;
    case 'append': {
      if (!('entries' in r) || !Array.isArray(r.entries) || r.entries.length === 0) {
        throw new Error('append without entries');
      }
      // JSON.parse yields JSON, so the annotation only names what the array already holds.
      const entries: readonly Json[] = r.entries;
      return { kind: 'append', entries: entries.map((e) => deepFreeze(e)) };
    }
    case 'truncate': {
      const from = 'from' in r ? r.from : undefined;
      if (typeof from !== 'number') throw new Error('truncate without "from"');
      checkLogBound(state, 'from', from);
      return { kind: 'truncate', from };
    }
    case 'compact': {
      const through = 'through' in r ? r.through : undefined;
      if (typeof through !== 'number' || !Number.isSafeInteger(through) || through < state.first) {
        throw new Error(`compact through ${String(through)}, before firstIndex ${state.first}`);
      }
      return { kind: 'compact', through };
    }
    case 'put':
    case 'delete': {
      const key = 'key' in r ? r.key : undefined;
      if (typeof key !== 'string') throw new Error(`${r.kind} without a key`);
      checkHardStateKey(key);
      if (r.kind === 'delete') return { kind: 'delete', key };
      if (!('value' in r)) throw new Error('put without a value');
      // JSON.parse yields JSON, so the cast only names what the value already is.
      return { kind: 'put', key, value: deepFreeze(r.value as Json) };
    }
    default:
      throw new Error(`unknown kind ${JSON.stringify(r.kind)}`);
  }
}

/**
 * Writes `data` as the journal through a temporary file: write, fsync, rename, fsync the
 * directory. Returns a descriptor open for appending to the new journal.
 */
function replaceJournal(io: StorageIo, dir: string, data: Buffer): number {
  const temp = path.join(dir, JOURNAL_TEMP_FILE);
  const fd = io.openSync(temp, 'w+');
  writeFully(io, fd, data, 0);
  io.fsyncSync(fd);
  io.renameSync(temp, path.join(dir, JOURNAL_FILE));
  fsyncDirectory(io, dir);
  return fd;
}

/** writeSync may write less than asked (a full disk, a signal); loop until all of it is down. */
function writeFully(io: StorageIo, fd: number, data: Buffer, position: number): void {
  for (let done = 0; done < data.length;) {
    const n = io.writeSync(fd, data, done, data.length - done, position + done);
    if (n <= 0) throw new Error(`write returned ${n} with ${data.length - done} bytes to go`);
    done += n;
  }
}

/** A rename or a new file is durable only once its directory is fsynced (POSIX rename(2)). */
function fsyncDirectory(io: StorageIo, dir: string): void {
  const fd = io.openSync(dir, 'r');
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

function readIfPresent(io: StorageIo, file: string): Buffer | undefined {
  try {
    return io.readFileSync(file);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function removeIfPresent(io: StorageIo, file: string): void {
  try {
    io.unlinkSync(file);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
}

// Duck-typed rather than `instanceof Error`: errors from another realm (a vm context, as jest
// runs tests in) are not instances of this realm's Error.
function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

function describeError(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string'
    ? e.message
    : String(e);
}
