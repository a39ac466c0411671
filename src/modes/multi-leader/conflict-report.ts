import { vv } from '../../core/clocks';
import type { Env } from '../../core/env';
import type { NodeId } from '../../core/ids';
import { jsonEqual } from '../../core/json';
import type { Key } from '../../core/messages/client';
import { ConflictFeed, describeConflict, type ConflictRecord } from './replication/conflict-feed';
import { ConflictDetector, type Sibling } from './replication/conflicts';
import type { Update } from './replication/update';
import { valueJson, type Value } from './resolvers';

/** A key an arriving batch wrote concurrently with writes this leader holds. */
export interface Met {
  readonly key: Key;
  readonly update: Update;
  readonly siblings: readonly Sibling[];
}

/**
 * Conflicts, from detection to announcement, at a leader: which keys of a delivery round were
 * written concurrently (the detector), the values before and after the round for the first
 * few, and for each a `conflict` event, a count, and (with values) a feed record. The rest of
 * a round are counted and announced without values: reading a CRDT value is not free, and a
 * hot key set conflicts thousands of times a second.
 */
export class ConflictReport {
  readonly feed: ConflictFeed;

  constructor(
    private readonly detector: ConflictDetector,
    private readonly env: Env,
    private readonly resolver: () => { readonly name: string; read(key: Key): Value | undefined },
    private readonly regionOf: (node: NodeId) => string,
    feedSize: number,
    /** Conflicts per round shown with their values. */
    private readonly shownPerRound = 16,
  ) {
    this.feed = new ConflictFeed(feedSize);
  }

  /** Observes every key the updates wrote; returns those written concurrently. */
  detect(updates: readonly Update[]): Met[] {
    const met: Met[] = [];
    for (const u of updates) {
      u.keys.forEach((key, i) => {
        const context = u.deps ?? u.contexts?.[i] ?? vv.EMPTY;
        const siblings = this.detector.observe(key, u.origin, u.seq, context);
        if (siblings.length > 0) met.push({ key, update: u, siblings });
      });
    }
    return met;
  }

  /** The values before the round, for the conflicts that will be shown with them. */
  before(met: readonly Met[]): (Value | undefined)[] {
    const resolver = this.resolver();
    return met.slice(0, this.shownPerRound).map((c) => resolver.read(c.key));
  }

  /** Announces the round's conflicts, once the round is applied. */
  announce(met: readonly Met[], before: readonly (Value | undefined)[]): void {
    const resolver = this.resolver();
    met.forEach((c, i) => {
      const siblings = c.siblings.length + 1;
      const regions = [c.update.origin, ...c.siblings.map((s) => s.origin)].map(this.regionOf);
      this.env.emit({
        kind: 'metric',
        name: 'multileader_conflicts_total',
        type: 'counter',
        value: 1,
      });
      if (i >= before.length) {
        this.feed.count();
        const detail = `${regions.join(' + ')} wrote ${c.key} concurrently`;
        this.env.emit({ kind: 'conflict', key: c.key, resolver: resolver.name, siblings, detail });
        return;
      }
      const after = resolver.read(c.key);
      const record: ConflictRecord = {
        at: this.env.now(),
        key: c.key,
        resolver: resolver.name,
        siblings,
        regions,
        before: valueJson(before[i]),
        after: valueJson(after),
        winner: winner(resolver.name, before[i], after, regions[0]),
      };
      this.feed.add(record);
      this.env.emit({
        kind: 'conflict',
        key: c.key,
        resolver: resolver.name,
        siblings,
        detail: describeConflict(record),
      });
    });
  }
}

/**
 * `merged` when a CRDT kept both sides (a counter, list or text that stayed one); otherwise
 * the arriving region when its value replaced the one here, or `kept` when the value here
 * stayed (an LWW register with a later timestamp, or a CRDT register that won the tie).
 */
function winner(
  resolver: string,
  before: Value | undefined,
  after: Value | undefined,
  arriving: string,
): string {
  const merged =
    resolver !== 'lww' &&
    after !== undefined &&
    after.kind !== 'register' &&
    after.kind === before?.kind;
  if (merged) return 'merged';
  return jsonEqual(valueJson(after), valueJson(before)) ? 'kept' : arriving;
}
