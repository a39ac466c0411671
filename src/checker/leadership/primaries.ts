import { inTimeOrder, type NodeStop, type TimedEvent } from './events';

/** One node's time as primary (or leader) in one epoch; `to` null: still when the record ends. */
export interface PrimaryTerm {
  readonly node: string;
  readonly epoch: number | undefined;
  readonly from: number;
  readonly to: number | null;
}

/** Two nodes that both considered themselves primary from `from` to `to` (null: to the end). */
export interface ConcurrentPrimaries {
  readonly first: PrimaryTerm;
  readonly second: PrimaryTerm;
  readonly from: number;
  readonly to: number | null;
}

/** The roles that mean "I accept writes and others follow me". */
export const LEADING_ROLES: ReadonlySet<string> = new Set(['primary', 'leader']);

/**
 * Every node's terms as primary: from its `role: primary` event until its next role event,
 * or until it stopped. A stop must be given for a crash, since a crashed node says nothing.
 */
export function primaryTerms(
  events: readonly TimedEvent[],
  stops: readonly NodeStop[] = [],
): PrimaryTerm[] {
  const open = new Map<string, { epoch: number | undefined; from: number }>();
  const terms: PrimaryTerm[] = [];
  const close = (node: string, at: number) => {
    const t = open.get(node);
    if (t === undefined) return;
    open.delete(node);
    terms.push({ node, epoch: t.epoch, from: t.from, to: at });
  };
  // A stop ends a term like a role change; the roles that start one come from events.
  const marks = [
    ...events.flatMap(({ node, at, event }) =>
      event.kind === 'role'
        ? [{ node, at, leads: LEADING_ROLES.has(event.role), epoch: event.term }]
        : [],
    ),
    ...stops.map((s) => ({ node: s.node, at: s.at, leads: false, epoch: undefined })),
  ];
  for (const { node, at, leads, epoch } of inTimeOrder(marks)) {
    close(node, at);
    if (leads) open.set(node, { epoch, from: at });
  }
  for (const [node, t] of open) terms.push({ node, epoch: t.epoch, from: t.from, to: null });
  return terms.sort((a, b) => a.from - b.from || (a.node < b.node ? -1 : 1));
}

/** Every pair of terms of different nodes that overlap in time, in order of their start. */
export function concurrentPrimaries(terms: readonly PrimaryTerm[]): ConcurrentPrimaries[] {
  const out: ConcurrentPrimaries[] = [];
  const end = (t: PrimaryTerm) => t.to ?? Infinity;
  for (let i = 0; i < terms.length; i++) {
    for (let j = i + 1; j < terms.length; j++) {
      const [a, b] = [terms[i], terms[j]];
      if (a.node === b.node) continue;
      const from = Math.max(a.from, b.from);
      const to = Math.min(end(a), end(b));
      if (from < to) out.push({ first: a, second: b, from, to: to === Infinity ? null : to });
    }
  }
  return out.sort((x, y) => x.from - y.from);
}
