import { completedOps, opRef, type OpRef } from '../causal';
import type { HistoryOp } from '../../workload/history';
import { inTimeOrder, type TimedEvent } from './events';
import { LEADING_ROLES, type ConcurrentPrimaries, type PrimaryTerm } from './primaries';

/** What one of two concurrent primaries accepted while the other one also led. */
export interface PrimaryWrites {
  readonly node: string;
  readonly epoch: number | undefined;
  /** Updates it applied as primary in the window (its `commit` events). */
  readonly writes: number;
  readonly firstAt: number | null;
  readonly lastAt: number | null;
}

/**
 * A split brain that took writes: two nodes both led, and both accepted updates while they
 * did. Whatever the two accepted cannot both survive in one history: a log keeps one side.
 */
export interface SplitBrainWrites {
  readonly overlap: ConcurrentPrimaries;
  readonly sides: readonly [PrimaryWrites, PrimaryWrites];
  /** Acknowledged updates that completed in the window (from the history, when given). */
  readonly examples: readonly OpRef[];
}

export interface ExampleOptions {
  readonly history?: readonly HistoryOp[];
  /** Each node's region: examples are then taken from the clients of each primary's region. */
  readonly regions?: ReadonlyMap<string, string>;
  /** Examples per primary (default 2). */
  readonly examples?: number;
}

/** The overlaps in which both primaries accepted writes. */
export function splitBrainWrites(
  overlaps: readonly ConcurrentPrimaries[],
  events: readonly TimedEvent[],
  options: ExampleOptions = {},
): SplitBrainWrites[] {
  // Each node's commits as primary, with the epoch it led, found in event order: a commit at
  // the very instant its node steps down counts on the side it happened on.
  const commits = new Map<string, { at: number; epoch: number | undefined; count: number }[]>();
  const leading = new Map<string, number | undefined>();
  for (const { node, at, event } of inTimeOrder(events)) {
    if (event.kind === 'role') {
      if (LEADING_ROLES.has(event.role)) leading.set(node, event.term);
      else leading.delete(node);
    }
    if (event.kind !== 'commit' || event.count <= 0 || !leading.has(node)) continue;
    const list = commits.get(node) ?? [];
    list.push({ at, epoch: leading.get(node), count: event.count });
    commits.set(node, list);
  }
  const writesOf = (term: PrimaryTerm, from: number, to: number | null): PrimaryWrites => {
    const inside = (commits.get(term.node) ?? []).filter(
      (c) => c.epoch === term.epoch && c.at >= from && (to === null || c.at <= to),
    );
    return {
      node: term.node,
      epoch: term.epoch,
      writes: inside.reduce((n, c) => n + c.count, 0),
      firstAt: inside[0]?.at ?? null,
      lastAt: inside[inside.length - 1]?.at ?? null,
    };
  };
  const out: SplitBrainWrites[] = [];
  for (const o of overlaps) {
    const sides = [writesOf(o.first, o.from, o.to), writesOf(o.second, o.from, o.to)] as const;
    if (sides[0].writes === 0 || sides[1].writes === 0) continue;
    out.push({ overlap: o, sides, examples: examples(o, options) });
  }
  return out;
}

/**
 * Acknowledged updates completed during the overlap, a few from each primary's region when
 * regions are known: which primary took which write is not in the history, so these
 * illustrate the window rather than prove a side.
 */
function examples(o: ConcurrentPrimaries, options: ExampleOptions): OpRef[] {
  if (options.history === undefined) return [];
  const per = options.examples ?? 2;
  const acked = completedOps(options.history).filter(
    (op) =>
      op.type === 'ok' &&
      op.f !== 'read' &&
      op.f !== 'get' &&
      op.ret >= o.from &&
      (o.to === null || op.ret < o.to),
  );
  const regions = options.regions;
  const picked =
    regions === undefined
      ? acked.slice(0, 2 * per)
      : [o.first.node, o.second.node].flatMap((node) =>
          acked.filter((op) => op.region === regions.get(node)).slice(0, per),
        );
  // Both primaries may share a region: list each op once.
  return [...new Set(picked)].map((op) => opRef(op, undefined));
}
