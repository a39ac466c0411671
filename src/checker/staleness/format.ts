import { formatOpRef } from '../causal';
import type { ConvergenceResult } from './convergence';
import type { LostWritesResult } from './lost-writes';
import type { StalenessResult } from './staleness';

const percent = (x: number): string => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

export function formatStaleness(result: StalenessResult, listed = 5): string {
  const skipped = result.skipped[0];
  if (result.verdict === 'not-applicable') {
    return `staleness: not measured (key ${skipped.key}: ${skipped.reason})`;
  }
  const s = result.summary;
  const out = [`staleness: ${s.stale} of ${s.reads} reads stale (${percent(s.staleFraction)})`];
  if (skipped !== undefined) {
    out.push(
      `  not measured: ${result.skipped.length} key(s), e.g. ${skipped.key}: ${skipped.reason}`,
    );
  }
  const k = Object.entries(s.versionsBehind).map(([v, n]) => `${v}: ${n}`);
  if (k.length > 0) out.push(`  versions behind (k): ${k.join(', ')}`);
  if (s.staleForMs) {
    out.push(
      `  stale for ms: p50 ${s.staleForMs.p50}, p99 ${s.staleForMs.p99}, max ${s.staleForMs.max}`,
    );
  }
  const tv = s.tVisibility.map((t) => `${percent(t.p)} ${t.ms === null ? 'never' : `${t.ms}ms`}`);
  if (s.msAfterNewest) out.push(`  t-visibility: ${tv.join(', ')}`);
  for (const r of result.reads.filter((x) => x.versionsBehind > 0).slice(0, listed)) {
    out.push(
      `  ${r.versionsBehind} behind, ${r.staleForMs}ms stale: ${formatOpRef(r.read)}` +
        (r.observed ? `\n    returned the value of ${formatOpRef(r.observed)}` : ''),
    );
  }
  if (s.stale > listed) out.push(`  … and ${s.stale - listed} more stale reads`);
  return out.join('\n');
}

export function formatLostWrites(result: LostWritesResult, listed = 10): string {
  const out = [
    `lost writes: ${result.lost.length} of ${result.acknowledged} acknowledged` +
      (result.withoutFinalRead.length > 0
        ? ` (no final read of ${result.withoutFinalRead.length} key(s): ${result.withoutFinalRead.slice(0, 5).join(', ')})`
        : ''),
  ];
  if (result.skipped.length > 0) {
    out.push(
      `  not judged: ${result.skipped.length} key(s) whose reads cannot be traced to writes, e.g. ${result.skipped[0].key}: ${result.skipped[0].reason}`,
    );
  }
  for (const l of result.lost.slice(0, listed)) {
    out.push(`  lost on key ${l.key}: ${formatOpRef(l.write)}`);
    out.push(`    final read: ${formatOpRef(l.finalRead)}`);
    if (l.finalWrite) out.push(`    which returned the older ${formatOpRef(l.finalWrite)}`);
  }
  if (result.lost.length > listed) out.push(`  … and ${result.lost.length - listed} more`);
  return out.join('\n');
}

export function formatConvergence(result: ConvergenceResult): string {
  const fault = result.lastFault;
  const since =
    fault === null
      ? 'no fault markers'
      : `last fault marker ${fault.f} at ${fault.time} (line ${fault.line})${fault.healed ? '' : ', not a heal'}`;
  const head =
    result.verdict === 'converged'
      ? `convergence: all readers agree on ${result.keys.length} key(s), within ${result.convergenceMs}ms of quiet (${since})`
      : result.verdict === 'unknown'
        ? `convergence: unknown, no reads once faults and writes were over (${since})`
        : `convergence: DIVERGED (${since})`;
  const out = [head];
  for (const k of result.keys) {
    if (k.divergent === undefined) continue;
    out.push(`  key ${k.key}: readers end with different values`);
    for (const r of k.divergent) out.push(`    ${formatOpRef(r)}`);
  }
  return out.join('\n');
}
