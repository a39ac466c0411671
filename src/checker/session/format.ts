import { formatOpRef, formatSteps } from '../causal';
import type { SessionResult } from './check';
import { SESSION_GUARANTEES } from './classify';

const BEYOND_WORDS = {
  convergence: 'not convergent (CCv): replicas cannot agree on one order of writes',
  'causal-memory': 'not causal memory (CM)',
  causality: 'not causal at all',
} as const;

/** The session verdicts and witnesses as lines of text for a terminal. */
export function formatSessions(result: SessionResult): string {
  const counts = result.guarantees;
  if (counts === null) return `session: not checked (${result.reason ?? 'not applicable'})`;
  const status = SESSION_GUARANTEES.map(
    (g) => `${g} ${counts[g] === 0 ? 'ok' : `BROKEN ×${counts[g]}`}`,
  );
  const out = [`session (${result.sessions} sessions): ${status.join(', ')}`];
  for (const v of result.violations) {
    const saw = v.observed === null ? 'the initial value' : v.observed.op;
    out.push(
      `  ${v.guarantee} broken in session ${v.session}: ${v.read.op} (line ${v.read.invokeLine}) ` +
        `returned ${saw}, yet ${v.missed.op} (line ${v.missed.invokeLine}) is in its causal past:`,
    );
    out.push(...formatSteps(v.path, false, '    '));
  }
  if (result.omitted > 0) out.push(`  … and ${result.omitted} more`);
  const lead = result.verdict === 'ok' ? 'no session guarantee broken, but' : 'also';
  for (const b of result.beyond) {
    out.push(`  ${lead} ${BEYOND_WORDS[b.kind]}: ${b.pattern}`);
    for (const o of b.ops) out.push(`    ${o.role ?? ''}: ${formatOpRef(o)}`);
  }
  return out.join('\n');
}
