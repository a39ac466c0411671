/**
 * Yjs (13.6): one `Y.Doc` per shard (sharded.ts), each with a root `Y.Map` from key to a
 * register (a plain JSON value: Yjs stores it atomically, so concurrent sets pick one), a
 * counter, a `Y.Array` (appends from every region are kept) or a `Y.Text` (every insertion
 * kept, never interleaved).
 *
 * Counters: a register holding a number would be last-writer-wins and lose concurrent
 * increments, so a counter is a `Y.Map` with one entry per writing replica incarnation,
 * summed on read. Each incarnation only ever writes its own entry, so entries never conflict
 * (the G-Counter construction; the entry's value may go down for negative increments).
 *
 * Updates are captured from the document's 'update' event during the seal's transaction
 * (one update per document per seal). The listener is attached only around that transaction:
 * while any 'update' listener exists, Yjs encodes an update for every transaction, remote
 * merges included, which cost a fifth of the apply time here. Remote updates are applied in
 * causal order: Yjs keeps an
 * update whose predecessors are missing pending and re-scans it on every later update, which
 * turned 0.2 s into 96 s for 10,000 updates in reverse order here.
 *
 * Determinism: `doc.clientID` is drawn from `random` once per replica incarnation and set
 * before any local edit. A client id must never be reused with a different state after a
 * restart (Yjs would see two different structs under one id), so a restarted replica always
 * takes a fresh one; its counter entry is new too, and the old one keeps its total.
 */
import * as Y from 'yjs';
import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';
import { randomUint32, type ResolverOptions } from './resolver';
import { ShardedResolver } from './sharded';
import type { StagedEffect } from './staging';
import type { Value } from './values';

const ROOT = 'kv';

export class YjsResolver extends ShardedResolver {
  readonly name = 'yjs';
  private readonly documents: Y.Doc[];
  readonly clientId: number;
  /** This incarnation's entry in every counter. */
  private readonly entry: string;

  constructor(options: ResolverOptions) {
    super(options);
    this.clientId = randomUint32(options.random);
    this.entry = String(this.clientId);
    const saved = this.savedDocuments();
    this.documents = Array.from({ length: options.shards }, (_, shard) => {
      const doc = new Y.Doc();
      if (saved !== undefined) Y.applyUpdate(doc, saved[shard]);
      doc.clientID = this.clientId;
      return doc;
    });
  }

  protected readDocument(shard: number, key: Key): Value | undefined {
    const map = this.root(shard);
    if (!map.has(key)) return undefined;
    const v = map.get(key);
    if (v instanceof Y.Map) {
      let total = 0;
      for (const n of v.values()) if (typeof n === 'number') total += n;
      return { kind: 'counter', value: total };
    }
    if (v instanceof Y.Array) return { kind: 'list', value: v.toArray().map(toJson) };
    if (v instanceof Y.Text) return { kind: 'text', value: v.toString() };
    return { kind: 'register', value: toJson(v) };
  }

  protected documentKeys(shard: number): Iterable<Key> {
    return this.root(shard).keys();
  }

  protected commit(shard: number, effects: Iterable<[Key, StagedEffect]>): Uint8Array | undefined {
    const doc = this.documents[shard];
    const map = this.root(shard);
    let captured: Uint8Array | undefined;
    const capture = (update: Uint8Array): void => {
      captured = update;
    };
    doc.on('update', capture);
    try {
      doc.transact(() => {
        for (const [key, effect] of effects) this.write(map, key, effect);
      }, this);
    } finally {
      doc.off('update', capture);
    }
    return captured;
  }

  protected merge(shard: number, updates: readonly Uint8Array[]): string[] {
    const problems: string[] = [];
    const doc = this.documents[shard];
    // One outer transaction: observers and cleanup run once for the whole round.
    doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(doc, update, 'remote');
        } catch (e) {
          problems.push(`yjs document ${shard}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }, 'remote');
    return problems;
  }

  protected saveDocument(shard: number): Uint8Array {
    return Y.encodeStateAsUpdate(this.documents[shard]);
  }

  /** Yjs updates have no magic number; the library checks them when it applies them. */
  protected looksLikeChange(bytes: Uint8Array): boolean {
    return bytes.length > 0;
  }

  private root(shard: number): Y.Map<unknown> {
    return this.documents[shard].getMap<unknown>(ROOT);
  }

  private write(map: Y.Map<unknown>, key: Key, effect: StagedEffect): void {
    switch (effect.kind) {
      case 'replace': {
        const v = effect.value;
        if (v.kind === 'register') {
          map.set(key, v.value);
        } else if (v.kind === 'counter') {
          map.set(key, new Y.Map<number>()).set(this.entry, v.value);
        } else if (v.kind === 'list') {
          map.set(key, new Y.Array<Json>()).push([...v.value]);
        } else {
          map.set(key, new Y.Text()).insert(0, v.value);
        }
        return;
      }
      case 'increment': {
        const counter = map.get(key);
        if (!(counter instanceof Y.Map)) return;
        const mine: unknown = counter.get(this.entry);
        counter.set(this.entry, (typeof mine === 'number' ? mine : 0) + effect.delta);
        return;
      }
      case 'append': {
        const list = map.get(key);
        if (list instanceof Y.Array) list.push([...effect.items]);
        return;
      }
      case 'edits': {
        const text = map.get(key);
        if (!(text instanceof Y.Text)) return;
        for (const e of effect.edits) {
          if (e.delete > 0) text.delete(e.index, e.delete);
          if (e.insert.length > 0) text.insert(e.index, e.insert);
        }
        return;
      }
    }
  }
}

/**
 * A register's content as JSON. Yjs decodes what this resolver stored (ContentAny) back to
 * plain JSON; anything else a peer might have put there (binary, nested Yjs types) reads as
 * null rather than leak a non-JSON object into a client's answer.
 */
function toJson(v: unknown): Json {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x);
    return out;
  }
  return null;
}
