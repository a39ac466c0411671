/**
 * Automerge (@automerge/automerge 3.5): one document per shard (sharded.ts), each a map from
 * key to a register (a scalar string holding the value's JSON, so that a register is one
 * atomic value and concurrent writes pick one, rather than merging nested objects field by
 * field), a counter (concurrent increments add up), a list of such registers (appends from
 * every region are kept), or a text (concurrent inserts all kept, never interleaved).
 *
 * Through the document's low-level handle (`Automerge.getBackend`: put, increment, splice,
 * commit, applyChanges), not the proxy API of `change()`. The proxy API materialises a new
 * immutable JavaScript tree after every change and every `applyChanges` (by computing
 * patches), which cost more than the CRDT work itself here, and its view of a counter in
 * conflict goes wrong: after a local increment of a counter two regions created concurrently,
 * the local view showed the increment on one counter and every other replica on the other
 * (the handle's state, which is what replicates, was right). The handle is typed by the
 * library (wasm_types.d.ts); the document object it came from is not used again.
 *
 * Replication is by change sets, not Automerge's sync protocol: each seal commits one change
 * per document touched (`getLastLocalChange`), and a receiver applies a delivery round's
 * changes per document in one `applyChanges` call. A call costs ≈ 1 ms or more before the
 * first op (it grows with the document's history, automerge#1042), against a few µs per op,
 * so batching changes into calls is what makes Automerge keep up (docs/modes/multi-leader.md
 * has the figures). The sync protocol would duplicate what the replication layer already
 * does (sequence numbers per origin, version-vector anti-entropy, causal delivery across
 * documents), needs a sync state per peer and document and several round trips, and stalls
 * for good after a lost message unless its state is reset. Within one document Automerge keeps
 * causal order itself: a change whose dependencies are missing waits inside the document.
 *
 * Determinism: the actor id (per replica incarnation) comes from `random`, and every commit
 * passes an explicit time from `now`, so no library call reads the wall clock or Math.random
 * and a simulated run is reproducible by seed.
 */
import * as Automerge from '@automerge/automerge';
import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';
import { randomUint32, type ResolverOptions } from './resolver';
import { ShardedResolver } from './sharded';
import type { StagedEffect } from './staging';
import type { UpdateOp, Value } from './values';

type Handle = ReturnType<typeof Automerge.getBackend>;

const ROOT = '_root';
/** Every encoded change starts with these four bytes (the Automerge binary format's magic). */
const MAGIC = [0x85, 0x6f, 0x4a, 0x83];

export class AutomergeResolver extends ShardedResolver {
  readonly name = 'automerge';
  private readonly handles: Handle[];
  /** This incarnation's actor id: 16 random bytes, never reused after a restart. */
  readonly actor: string;

  constructor(options: ResolverOptions) {
    super(options);
    this.actor = Array.from({ length: 4 }, () =>
      randomUint32(options.random).toString(16).padStart(8, '0'),
    ).join('');
    const saved = this.savedDocuments();
    this.handles = Array.from({ length: options.shards }, (_, shard) =>
      Automerge.getBackend(
        saved === undefined
          ? Automerge.init<unknown>({ actor: this.actor })
          : Automerge.load<unknown>(saved[shard], { actor: this.actor }),
      ),
    );
  }

  /** Automerge counters are 64-bit integers: a fractional or huge total cannot be one. */
  protected override refuse(op: UpdateOp, after: Value): string | undefined {
    if (after.kind !== 'counter' || Number.isSafeInteger(after.value)) return undefined;
    return `Automerge counters hold integers; ${op.key} would become ${after.value}`;
  }

  protected readDocument(shard: number, key: Key): Value | undefined {
    const h = this.handles[shard];
    const v = h.getWithType(ROOT, key);
    if (v === null) return undefined;
    switch (v[0]) {
      case 'counter':
        // Counters created concurrently stay one winner: an increment made once both are
        // known applies to both, so adding them up would count it twice.
        return { kind: 'counter', value: v[1] };
      case 'str':
        return { kind: 'register', value: unregister(v[1]) };
      case 'text':
        return { kind: 'text', value: h.text(v[1]) };
      case 'list': {
        // Regions that created a key's list concurrently (each one's first append) made one
        // list each: Automerge keeps both, as a conflict on the key, and shows one winner. The
        // appends on the loser still happened, so a read joins every such list, in the
        // conflict's order (the same on every replica); later appends land on the winner only.
        const items: Json[] = [];
        for (const list of h.getAll(ROOT, key)) {
          if (list[0] !== 'list') continue;
          for (let i = 0; i < h.length(list[1]); i++) {
            const item = h.get(list[1], i);
            items.push(typeof item === 'string' ? unregister(item) : null);
          }
        }
        return { kind: 'list', value: items };
      }
      case 'int':
      case 'uint':
      case 'f64':
      case 'boolean':
        return { kind: 'register', value: v[1] };
      default:
        // Nothing this resolver writes (a peer's map, bytes, timestamp): shown as null.
        return { kind: 'register', value: null };
    }
  }

  protected documentKeys(shard: number): Iterable<Key> {
    return this.handles[shard].keys(ROOT);
  }

  protected commit(shard: number, effects: Iterable<[Key, StagedEffect]>): Uint8Array | undefined {
    const h = this.handles[shard];
    for (const [key, effect] of effects) write(h, key, effect);
    const hash = h.commit(null, Math.floor(this.options.now() / 1000));
    return hash === null ? undefined : (h.getLastLocalChange() ?? undefined);
  }

  protected merge(shard: number, changes: readonly Uint8Array[]): string[] {
    const h = this.handles[shard];
    try {
      h.applyChanges([...changes]);
      return [];
    } catch (e) {
      // One bad change refuses the whole call; apply one at a time to keep the good ones.
      const problems: string[] = [];
      for (const change of changes) {
        try {
          h.applyChanges([change]);
        } catch (one) {
          problems.push(`automerge document ${shard}: ${message(one)}`);
        }
      }
      return problems.length > 0 ? problems : [`automerge document ${shard}: ${message(e)}`];
    }
  }

  protected saveDocument(shard: number): Uint8Array {
    return this.handles[shard].save();
  }

  protected looksLikeChange(bytes: Uint8Array): boolean {
    return bytes.length > MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads a register's JSON; a peer's malformed text reads as null. */
function unregister(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return null;
  }
}

/** Writes one staged effect into the pending change. */
function write(h: Handle, key: Key, effect: StagedEffect): void {
  switch (effect.kind) {
    case 'replace': {
      const v = effect.value;
      if (v.kind === 'register') {
        h.put(ROOT, key, JSON.stringify(v.value), 'str');
      } else if (v.kind === 'counter') {
        h.put(ROOT, key, v.value, 'counter');
      } else if (v.kind === 'list') {
        const list = h.putObject(ROOT, key, []);
        for (const item of v.value) h.push(list, JSON.stringify(item), 'str');
      } else {
        const text = h.putObject(ROOT, key, '');
        if (v.value.length > 0) h.splice(text, 0, 0, v.value);
      }
      return;
    }
    case 'increment':
      h.increment(ROOT, key, effect.delta);
      return;
    case 'append': {
      const list = h.getWithType(ROOT, key);
      if (list?.[0] !== 'list') return;
      for (const item of effect.items) h.push(list[1], JSON.stringify(item), 'str');
      return;
    }
    case 'edits': {
      const text = h.getWithType(ROOT, key);
      if (text?.[0] !== 'text') return;
      for (const e of effect.edits) h.splice(text[1], e.index, e.delete, e.insert);
      return;
    }
  }
}
