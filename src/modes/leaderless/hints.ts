/**
 * Hinted handoff (Dynamo §4.6; Cassandra's hints): a write meant for a replica that is down or
 * did not answer is kept, durably, by the node that could not deliver it (the coordinator, or
 * in a sloppy quorum the stand-in that took it), and handed to the replica once it is heard
 * from again. Hints for one replica and key merge into one cell, so a replica down for an
 * hour gets each key once, at its newest.
 *
 * Cassandra stops writing hints for a replica that has been down longer than
 * `max_hint_window` (3 h by default): past that, only anti-entropy (repair) brings it back in
 * line. `withinWindow` is that rule.
 *
 * On disk: `h.<target's position in the membership>.<key hash>` → [[key, {cell, since}], …].
 */
import type { NodeId } from '../../core/ids';
import type { DurableStorage } from '../../core/storage/durable-storage';
import { BucketedMap } from './buckets';
import { cellDigest, mergeCells, mergeOptional, type Cell } from './cell';

export interface Hint {
  readonly cell: Cell;
  /** Local time the first hint for this target and key was stored. */
  readonly since: number;
}

export class HintStore {
  /** One map per member, under `h.<position>.`; a replica's hints for itself stay empty. */
  private readonly byTarget = new Map<NodeId, BucketedMap<Hint>>();

  constructor(storage: DurableStorage, members: readonly NodeId[]) {
    members.forEach((id, i) => this.byTarget.set(id, new BucketedMap<Hint>(storage, `h.${i}.`)));
  }

  load(): void {
    for (const hints of this.byTarget.values()) hints.load();
  }

  /** Stores (merges) a hint; the caller syncs before relying on it. */
  add(target: NodeId, key: string, cell: Cell, now: number): void {
    const hints = this.hintsFor(target);
    const old = hints.get(key);
    hints.set(key, {
      cell: old === undefined ? cell : mergeCells(old.cell, cell),
      since: old?.since ?? now,
    });
  }

  /** The target's hints, oldest first. */
  forTarget(target: NodeId): (Hint & { readonly key: string })[] {
    return [...this.hintsFor(target).entries()]
      .map(([key, h]) => ({ key, ...h }))
      .sort((a, b) => a.since - b.since);
  }

  /** Every hinted version of `key`, merged: what a stand-in answers a sloppy read with. */
  forKey(key: string): Cell | undefined {
    let merged: Cell | undefined;
    for (const hints of this.byTarget.values())
      merged = mergeOptional(merged, hints.get(key)?.cell);
    return merged;
  }

  /** Drops a delivered hint, unless a newer version was merged into it meanwhile. */
  delivered(target: NodeId, key: string, digest: string): void {
    const hints = this.hintsFor(target);
    const hint = hints.get(key);
    if (hint !== undefined && cellDigest(hint.cell) === digest) hints.delete(key);
  }

  /** Replicas some hint waits for. */
  targets(): NodeId[] {
    return [...this.byTarget].filter(([, hints]) => hints.size > 0).map(([id]) => id);
  }

  get count(): number {
    let n = 0;
    for (const hints of this.byTarget.values()) n += hints.size;
    return n;
  }

  private hintsFor(target: NodeId): BucketedMap<Hint> {
    const hints = this.byTarget.get(target);
    if (hints === undefined) throw new RangeError(`hint for ${target}, not a member`);
    return hints;
  }
}

/** Cassandra's rule: hints are written for a replica only while it has been down less than the window. */
export function withinWindow(downForMs: number, hintWindowMs: number): boolean {
  return downForMs < hintWindowMs;
}
