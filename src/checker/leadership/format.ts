import { formatOpRef } from '../causal';
import type { LeadershipResult } from './check';
import type { PrimaryTerm } from './primaries';

const HEADLINE: Record<LeadershipResult['verdict'], string> = {
  ok: 'one primary at a time',
  'concurrent-primaries': 'two primaries at once, but not both taking writes',
  'split-brain-writes': 'split brain: two primaries took writes at once',
  'stale-writes-landed': 'split brain, and stale-epoch writes landed on replicas',
};

const ms = (t: number | null): string => (t === null ? 'the end' : `${t}ms`);
const who = (t: { node: string; epoch: number | undefined }): string =>
  t.epoch === undefined ? t.node : `${t.node} (epoch ${t.epoch})`;

function window(from: number, to: number | null): string {
  return `${ms(from)}–${ms(to)}${to === null ? '' : ` (${Math.round((to - from) * 10) / 10}ms)`}`;
}

/** The verdict and its witnesses as lines for people, at most `listed` of each kind. */
export function formatLeadership(result: LeadershipResult, listed = 5): string {
  const out = [
    `leadership: ${HEADLINE[result.verdict]}: ${result.terms.length} primary term(s), ` +
      `${result.concurrent.length} period(s) with two primaries, ${result.splitBrain.length} with writes on both, ` +
      `${result.landed.reduce((n, l) => n + l.writes, 0)} stale-epoch write(s) landed`,
  ];
  const withWrites = new Set(result.splitBrain.map((s) => s.overlap));
  for (const c of result.concurrent.filter((x) => !withWrites.has(x)).slice(0, listed)) {
    out.push(`  two primaries ${window(c.from, c.to)}: ${who(c.first)} and ${who(c.second)}`);
  }
  for (const s of result.splitBrain.slice(0, listed)) {
    const [a, b] = s.sides;
    out.push(
      `  two primaries ${window(s.overlap.from, s.overlap.to)}: ${who(a)} and ${who(b)}, both took writes`,
    );
    for (const side of s.sides) {
      out.push(
        `    ${who(side)} applied ${side.writes} update(s), ${ms(side.firstAt)}–${ms(side.lastAt)}`,
      );
    }
    for (const e of s.examples) out.push(`    e.g. ${formatOpRef(e)}`);
  }
  if (result.splitBrain.length > listed)
    out.push(`  … and ${result.splitBrain.length - listed} more periods with writes on both`);
  for (const l of result.landed.slice(0, listed)) {
    out.push(
      `  ${l.node} applied ${l.writes} update(s) from ${who({ node: l.leader, epoch: l.epoch })}, ` +
        `${window(l.from, l.to)}, after accepting ${who({ node: l.newer.leader, epoch: l.newer.epoch })} at ${ms(l.newer.at)}`,
    );
  }
  if (result.landed.length > listed)
    out.push(`  … and ${result.landed.length - listed} more runs of stale writes`);
  return out.join('\n');
}

/** One line per primary term, for a report's timeline. */
export function formatTerms(terms: readonly PrimaryTerm[]): string[] {
  return terms.map((t) => `${who(t)} led ${window(t.from, t.to)}`);
}
