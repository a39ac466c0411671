import type { CausalRelations, Edge } from '../causal';

/** Terry et al.'s session guarantees (PDIS 1994). */
export type SessionGuarantee =
  'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads';

export const SESSION_GUARANTEES: readonly SessionGuarantee[] = [
  'read-your-writes',
  'monotonic-reads',
  'monotonic-writes',
  'writes-follow-reads',
];

/**
 * Which guarantee a stale read breaks, from the shape of the shortest causal path from the
 * write it missed to it (causal.md, "Session guarantees"):
 * - the path stays in the reader's session: read-your-writes;
 * - the missed write is read directly by the reader's session: monotonic reads (the session
 *   saw it, then read something older);
 * - the writer's session wrote again after it, and that later write carried it over: monotonic
 *   writes;
 * - a third session read it and then wrote what carried it over: writes-follow-reads (and so is
 *   any longer chain of such steps: transitive causality).
 */
export function classifyPath(rel: CausalRelations, path: readonly Edge[]): SessionGuarantee {
  const sessionOf = (v: number): number => rel.ops[v].session;
  const reader = sessionOf(path[path.length - 1].to);
  const leaves = path.findIndex((e) => sessionOf(e.from) !== sessionOf(e.to));
  if (leaves < 0) return 'read-your-writes';
  if (leaves > 0) return 'monotonic-writes';
  return sessionOf(path[0].to) === reader ? 'monotonic-reads' : 'writes-follow-reads';
}
