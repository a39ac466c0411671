/**
 * The conflicts a leader met, for reports and the dashboard: a count, and the most recent
 * ones in full (bounded, so a long run's memory does not grow with its conflicts).
 */
import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';

export interface ConflictRecord {
  /** This replica's clock when the conflicting update was applied (ms). */
  readonly at: number;
  readonly key: Key;
  readonly resolver: string;
  /** Concurrent writes that met: the arrival and the live writes it did not see. */
  readonly siblings: number;
  /** The regions that wrote them, the arrival's first. */
  readonly regions: readonly string[];
  /** The key's value here before the arrival was applied, and after. */
  readonly before: Json;
  readonly after: Json;
  /** `merged` (a CRDT kept every side), or the region whose value the key now holds. */
  readonly winner: string;
}

export class ConflictFeed {
  private readonly recent: ConflictRecord[] = [];
  private counted = 0;

  constructor(private readonly capacity: number) {}

  /** Conflicts met since this replica started. */
  get total(): number {
    return this.counted;
  }

  /** Counts a conflict shown without its values. */
  count(): void {
    this.counted++;
  }

  add(record: ConflictRecord): void {
    this.counted++;
    this.recent.push(record);
    if (this.recent.length > this.capacity) this.recent.shift();
  }

  /** The most recent conflicts, oldest first. */
  list(): readonly ConflictRecord[] {
    return this.recent;
  }
}

/** One line for a `conflict` event's detail: who met, with what, and how it ended. */
export function describeConflict(r: ConflictRecord): string {
  return `${r.regions.join(' + ')} wrote ${r.key} concurrently; here ${show(r.before)} → ${show(r.after)} (${r.winner})`;
}

function show(v: Json): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
