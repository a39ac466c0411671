/**
 * The libraries alone, for bench/crdt.ts: how fast Automerge and Yjs apply a stream of changes
 * like the one a multi-leader replica receives (three regions writing concurrently, 1,000 keys
 * in the same documents, the same ops per change, one library call per document per round),
 * with no replication layer around them. Only the receiving replica's calls are timed.
 */
import * as Automerge from '@automerge/automerge';
import * as Y from 'yjs';
import { Rng } from '../src/core/random';
import { shardOf } from '../src/modes/multi-leader/resolvers/hashing';

export interface RawStream {
  readonly keys: number;
  readonly shards: number;
  /** Ops each of the three writers makes per round (one change per document per round). */
  readonly opsPerRound: number;
  readonly rounds: number;
}

type Op = { readonly key: string; readonly write: boolean; readonly n: number };

function opsOf(stream: RawStream): Op[][][] {
  const rng = new Rng('raw-stream');
  let n = 0;
  return Array.from({ length: stream.rounds }, () =>
    [0, 1, 2].map(() =>
      Array.from({ length: stream.opsPerRound }, () => ({
        key: `k${rng.below(stream.keys)}`,
        write: rng.next() < 0.5,
        n: ++n,
      })),
    ),
  );
}

/** Ops per second the receiving Automerge replica applied. */
export function automergeApplyRate(stream: RawStream): number {
  const keep: unknown[] = [];
  const handle = (actor: string) => {
    const doc = Automerge.init<unknown>({ actor });
    keep.push(doc);
    return Automerge.getBackend(doc);
  };
  const writers = [1, 2, 3].map((w) =>
    Array.from({ length: stream.shards }, (_, s) =>
      handle(`0${w}${s.toString(16).padStart(4, '0')}`),
    ),
  );
  const reader = Array.from({ length: stream.shards }, (_, s) =>
    handle(`ff${s.toString(16).padStart(4, '0')}`),
  );
  let appliedMs = 0;
  let applied = 0;
  for (const round of opsOf(stream)) {
    const changes: { w: number; bytes: Uint8Array }[][] = Array.from(
      { length: stream.shards },
      () => [],
    );
    round.forEach((ops, w) => {
      const docs = writers[w];
      for (const op of ops) {
        const h = docs[shardOf(op.key, stream.shards)];
        if (op.write) h.put('_root', op.key, JSON.stringify(op.n), 'str');
        else if (h.getWithType('_root', op.key)?.[0] === 'counter') h.increment('_root', op.key, 1);
        else h.put('_root', op.key, 1, 'counter');
      }
      docs.forEach((h, s) => {
        if (h.commit(null, 0) === null) return;
        const change = h.getLastLocalChange();
        if (change !== null) changes[s].push({ w, bytes: change });
      });
    });
    // The writers see each other's changes, as regions do; then the reader applies them all.
    writers.forEach((docs, w) =>
      docs.forEach((h, s) =>
        h.applyChanges(changes[s].filter((c) => c.w !== w).map((c) => c.bytes)),
      ),
    );
    const started = performance.now();
    reader.forEach((h, s) => {
      if (changes[s].length > 0) h.applyChanges(changes[s].map((c) => c.bytes));
    });
    appliedMs += performance.now() - started;
    applied += 3 * stream.opsPerRound;
  }
  return applied / (appliedMs / 1000);
}

/** Ops per second the receiving Yjs replica applied. */
export function yjsApplyRate(stream: RawStream): number {
  const writers = [1, 2, 3].map((w) =>
    Array.from({ length: stream.shards }, () => {
      const doc = new Y.Doc();
      doc.clientID = w;
      return doc;
    }),
  );
  const reader = Array.from({ length: stream.shards }, () => new Y.Doc());
  let appliedMs = 0;
  let applied = 0;
  for (const round of opsOf(stream)) {
    const updates: { w: number; bytes: Uint8Array }[][] = Array.from(
      { length: stream.shards },
      () => [],
    );
    round.forEach((ops, w) => {
      writers[w].forEach((doc, s) => {
        const mine = ops.filter((op) => shardOf(op.key, stream.shards) === s);
        if (mine.length === 0) return;
        const capture = (u: Uint8Array): void => {
          updates[s].push({ w, bytes: u });
        };
        doc.on('update', capture);
        doc.transact(() => {
          const map = doc.getMap<unknown>('kv');
          for (const op of mine) {
            if (op.write) {
              map.set(op.key, op.n);
              continue;
            }
            const counter = map.get(op.key);
            if (counter instanceof Y.Map)
              counter.set(String(w), Number(counter.get(String(w)) ?? 0) + 1);
            else map.set(op.key, new Y.Map<number>()).set(String(w), 1);
          }
        });
        doc.off('update', capture);
      });
    });
    writers.forEach((docs, w) =>
      docs.forEach((doc, s) =>
        doc.transact(() => updates[s].forEach((u) => u.w !== w && Y.applyUpdate(doc, u.bytes))),
      ),
    );
    const started = performance.now();
    reader.forEach((doc, s) =>
      doc.transact(() => updates[s].forEach((u) => Y.applyUpdate(doc, u.bytes))),
    );
    appliedMs += performance.now() - started;
    applied += 3 * stream.opsPerRound;
  }
  return applied / (appliedMs / 1000);
}
