/**
 * Concurrent writes to one key, found with the replication layer's version vectors (Yjs has
 * no conflict API, and Automerge's would only see within one document, so detection is here,
 * the same for every resolver).
 *
 * Per key this keeps the "live" writes: each origin's latest write of the key that no later
 * write has seen. A write arriving with context C (what its writer had applied: the batch's
 * deps with causal delivery, else its per-key context) supersedes every live write C covers;
 * a live write whose own context covers the arrival makes the arrival stale (it happened
 * before, and arrived late: only without causal delivery); any other live write is
 * concurrent with it: a conflict, whose siblings are those writes and the arrival. This is the
 * dotted-version-vector sibling rule (Preguiça et al., "Dotted Version Vectors", 2012) with
 * one dot per batch.
 */
import { vv, type VersionVector } from '../../../core/clocks';
import { isNodeId, type NodeId } from '../../../core/ids';
import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';
import { object, required, ShapeError } from '../../../core/messages/shape';

interface Write {
  readonly seq: number;
  /** What its writer had seen (undefined: unknown, e.g. restored from an older snapshot). */
  readonly context: VersionVector | undefined;
}

/** A live write an arrival is concurrent with. */
export interface Sibling {
  readonly origin: NodeId;
  readonly seq: number;
}

export class ConflictDetector {
  private readonly live = new Map<Key, Map<NodeId, Write>>();
  /** Per key, the highest write applied from each origin: a per-key context to send. */
  private readonly seen = new Map<Key, Map<NodeId, number>>();

  /** `perKeyContexts`: keep what `contextOf` needs (only without causal delivery). */
  constructor(private readonly perKeyContexts: boolean) {}

  /** What this replica has applied of `key`'s writes, `self` left out (FIFO covers it). */
  contextOf(key: Key, self: NodeId): VersionVector {
    const seen = this.seen.get(key);
    if (seen === undefined) return vv.EMPTY;
    const out: Record<string, number> = {};
    for (const origin of [...seen.keys()].sort()) {
      if (origin !== self) out[origin] = seen.get(origin) ?? 0;
    }
    return out as VersionVector;
  }

  /**
   * Records that (origin, seq), written with `context` known, was applied to `key`; returns
   * the live writes it is concurrent with (none: no conflict).
   */
  observe(key: Key, origin: NodeId, seq: number, context: VersionVector): Sibling[] {
    let live = this.live.get(key);
    if (live === undefined) {
      live = new Map();
      this.live.set(key, live);
    }
    const concurrent: Sibling[] = [];
    let stale = false;
    for (const [o, w] of live) {
      // The same origin's earlier write, or one the writer saw: superseded.
      if (o === origin || vv.get(context, o) >= w.seq) {
        live.delete(o);
      } else if (w.context !== undefined && vv.get(w.context, origin) >= seq) {
        stale = true;
      } else {
        concurrent.push({ origin: o, seq: w.seq });
      }
    }
    if (!stale) live.set(origin, { seq, context });
    if (!this.perKeyContexts) return concurrent;
    let seen = this.seen.get(key);
    if (seen === undefined) {
      seen = new Map();
      this.seen.set(key, seen);
    }
    if ((seen.get(origin) ?? 0) < seq) seen.set(origin, seq);
    return concurrent;
  }

  save(): Json {
    const live: Json[] = [];
    for (const [key, writes] of this.live) {
      live.push([key, [...writes].map(([o, w]): Json => [o, w.seq, w.context ?? null])]);
    }
    const seen: Json[] = [];
    for (const [key, origins] of this.seen) seen.push([key, Object.fromEntries(origins)]);
    return { live, seen };
  }

  restore(saved: Json): void {
    const o = object(saved, 'conflicts', ['live', 'seen']);
    const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);
    required(o, 'live', 'conflicts', isArray, 'an array').forEach((item: Json, i: number) => {
      const [key, writes] = pair(item, `conflicts.live[${i}]`);
      if (!Array.isArray(writes)) throw new ShapeError(`conflicts.live[${i}]`, 'writes', writes);
      const map = new Map<NodeId, Write>();
      for (const w of writes as readonly Json[]) {
        if (!Array.isArray(w) || !isNodeId(w[0]) || typeof w[1] !== 'number') {
          throw new ShapeError(`conflicts.live[${i}]`, '[origin, seq, context]', w);
        }
        map.set(w[0], { seq: w[1], context: vv.isVersionVector(w[2]) ? w[2] : undefined });
      }
      this.live.set(key, map);
    });
    required(o, 'seen', 'conflicts', isArray, 'an array').forEach((item: Json, i: number) => {
      const [key, origins] = pair(item, `conflicts.seen[${i}]`);
      if (!vv.isVersionVector(origins)) {
        throw new ShapeError(`conflicts.seen[${i}]`, 'a version vector', origins);
      }
      this.seen.set(key, new Map(Object.entries(origins) as [NodeId, number][]));
    });
  }
}

function pair(item: Json, path: string): readonly [Key, Json] {
  if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') {
    throw new ShapeError(path, '[key, value]', item);
  }
  return [item[0], item[1] as Json];
}
