/**
 * DurableStorage in memory, with crashes: what the simulator gives each node and what unit
 * tests use. It keeps two states: `current`, which reads see, and `durable`, what a crash
 * leaves; writes go to `current` and to a journal, `sync()` replays the journal onto `durable`.
 * So a write costs O(1) extra and a crash costs a copy of the durable log, which is rare.
 */
import { deepFreeze, type Json } from '../json';
import { checkHardStateKey, type DurableStorage } from './durable-storage';
import { checkLogBound, entriesOf, entryOf, lastIndexOf } from './log-view';

type Write =
  | { readonly kind: 'append'; readonly entries: readonly Json[] }
  | { readonly kind: 'truncate'; readonly from: number }
  | { readonly kind: 'compact'; readonly through: number }
  | { readonly kind: 'put'; readonly key: string; readonly value: Json }
  | { readonly kind: 'delete'; readonly key: string };

interface State {
  /** Index of log[0]. */
  first: number;
  log: Json[];
  hard: Map<string, Json>;
}

function apply(state: State, w: Write): void {
  switch (w.kind) {
    case 'append':
      for (const e of w.entries) state.log.push(e);
      return;
    case 'truncate':
      state.log.length = w.from - state.first;
      return;
    case 'compact': {
      const drop = Math.min(w.through - state.first + 1, state.log.length);
      state.log.splice(0, drop);
      state.first = w.through + 1;
      return;
    }
    case 'put':
      state.hard.set(w.key, w.value);
      return;
    case 'delete':
      state.hard.delete(w.key);
      return;
  }
}

function copy(state: State): State {
  return { first: state.first, log: [...state.log], hard: new Map(state.hard) };
}

export interface MemoryStorageOptions {
  /**
   * Called on every `sync()`: the simulator's hook to charge fsync latency to the output that
   * follows (contract point 3 in durable-storage.ts).
   */
  readonly onSync?: () => void;
}

export interface CrashOptions {
  /**
   * How many of the unsynced writes survive, oldest first (default 0): a real disk may have
   * persisted some of them, and the contract promises only a prefix. The simulator can draw
   * this from its seeded generator to explore torn-but-ordered outcomes.
   */
  readonly keep?: number;
}

export class MemoryStorage implements DurableStorage {
  private current: State = { first: 1, log: [], hard: new Map() };
  private durable: State = { first: 1, log: [], hard: new Map() };
  private journal: Write[] = [];

  constructor(private readonly options: MemoryStorageOptions = {}) {}

  firstIndex(): number {
    return this.current.first;
  }

  lastIndex(): number {
    return lastIndexOf(this.current);
  }

  entry(index: number): Json | undefined {
    return entryOf(this.current, index);
  }

  entries(from: number, to: number): readonly Json[] {
    return entriesOf(this.current, from, to);
  }

  append(entries: readonly Json[]): void {
    if (entries.length === 0) return;
    const frozen = entries.map((e) => deepFreeze(e));
    this.write({ kind: 'append', entries: frozen });
  }

  truncate(from: number): void {
    checkLogBound(this.current, 'from', from);
    if (from === this.lastIndex() + 1) return;
    this.write({ kind: 'truncate', from });
  }

  compact(through: number): void {
    if (!Number.isSafeInteger(through)) throw new RangeError(`compact(${through}): not an index`);
    if (through < this.firstIndex()) return;
    this.write({ kind: 'compact', through });
  }

  get(key: string): Json | undefined {
    return this.current.hard.get(key);
  }

  put(key: string, value: Json): void {
    checkHardStateKey(key);
    this.write({ kind: 'put', key, value: deepFreeze(value) });
  }

  delete(key: string): void {
    checkHardStateKey(key);
    if (this.current.hard.has(key)) this.write({ kind: 'delete', key });
  }

  keys(): readonly string[] {
    return [...this.current.hard.keys()].sort();
  }

  sync(): void {
    for (const w of this.journal) apply(this.durable, w);
    this.journal = [];
    this.options.onSync?.();
  }

  /** Writes since the last sync: what a crash now would lose. */
  unsyncedWrites(): number {
    return this.journal.length;
  }

  /**
   * The node crashed: unsynced writes are lost (all but the first `keep`), and reads now see
   * what a restarted process would read back. The object stays usable: hand it to the new
   * replica instance, as the disk outlives the process.
   */
  crash(options: CrashOptions = {}): void {
    const keep = Math.max(0, Math.min(options.keep ?? 0, this.journal.length));
    for (const w of this.journal.slice(0, keep)) apply(this.durable, w);
    this.journal = [];
    this.current = copy(this.durable);
  }

  private write(w: Write): void {
    apply(this.current, w);
    this.journal.push(w);
  }
}
