import type { CausalResult } from './check';
import { formatOpRef, formatSteps } from './witness';

/** The causal verdicts and witnesses as lines of text for a terminal. */
export function formatCausal(result: CausalResult): string {
  if (result.models === null) return `causal: not checked (${result.reason ?? 'not applicable'})`;
  const m = result.models;
  const out = [
    `causal: CC ${m.CC}, CCv ${m.CCv}, CM ${m.CM} ` +
      `(${result.ops} ops in ${result.sessions} sessions)`,
  ];
  for (const v of result.violations) {
    out.push(`  ${v.pattern} (rules out ${v.forbids.join(', ')}): ${v.explanation}`);
    if (v.cycle) out.push(...formatSteps(v.cycle, true, '    '));
    else if (v.path) {
      for (const o of v.ops) if (o.role === 'w1') out.push(`    ${o.role}: ${formatOpRef(o)}`);
      out.push(...formatSteps(v.path, false, '    '));
    } else for (const o of v.ops) out.push(`    ${o.role ?? ''}: ${formatOpRef(o)}`);
  }
  if (result.omitted > 0) out.push(`  … and ${result.omitted} more`);
  return out.join('\n');
}
