/**
 * A replica's data: one cell per key, kept in a BucketedMap under `c.` so it survives a crash.
 * Writers call `env.storage.sync()` before acknowledging: an acknowledged write is on disk.
 */
import type { DurableStorage } from '../../core/storage/durable-storage';
import { BucketedMap } from './buckets';
import { cellJson, isLwwCell, mergeCells, sameCell, type Cell } from './cell';

export class CellStore {
  private readonly cells: BucketedMap<Cell>;

  constructor(storage: DurableStorage) {
    this.cells = new BucketedMap<Cell>(storage, 'c.', cellJson);
  }

  /** Reads back what the disk holds (after a restart). */
  load(): void {
    this.cells.load();
  }

  get(key: string): Cell | undefined {
    return this.cells.get(key);
  }

  get size(): number {
    return this.cells.size;
  }

  keys(): IterableIterator<string> {
    return this.cells.keys();
  }

  /** Merges `cell` into the key's; true when that changed what is stored (and wrote it). */
  merge(key: string, cell: Cell): boolean {
    const current = this.cells.get(key);
    const next = current === undefined ? cell : mergeCells(current, cell);
    // Last-write-wins returns one of its inputs, the current one exactly when nothing changed;
    // a sibling merge builds a new cell, which may still equal the old.
    if (next === current) return false;
    if (current !== undefined && !isLwwCell(next) && sameCell(current, next)) return false;
    this.cells.set(key, next);
    return true;
  }

  /** Replaces the key's cell (a sibling write minted here already merged the old one). */
  set(key: string, cell: Cell): void {
    this.cells.set(key, cell);
  }
}
