import type { CausalRelations } from './analysis';
import type { Edge, VectorClocks } from './graph';
import { cycleInstance, type PatternInstance } from './patterns';

/**
 * CM's patterns (Bouajjani et al. 2017, §3.3): for an op o, HB_o is the smallest transitive
 * relation that holds CO on o's causal past and orders w1 before w2 (both on x) whenever a
 * read of w2 that is o or program-before o has w1 HB_o-before it. HB_o grows along program
 * order, so it suffices to compute it for the last op of each session (causal.md, step 7).
 *
 * HB_o contains program order and is transitive, so HB-pasts are downward closed in every
 * session, like causal pasts: vector clocks represent them, and the rule's fixpoint adds at
 * most one edge per session per read in each round.
 */
export function causalMemoryViolations(rel: CausalRelations, co: VectorClocks): PatternInstance[] {
  const found: PatternInstance[] = [];
  rel.sessionOps.forEach((ops) => {
    if (ops.length === 0) return;
    const o = ops[ops.length - 1];
    const inPast = (v: number): boolean => rel.ops[v].position <= co.at(o, rel.ops[v].session);
    const reads = ops.filter((v) => rel.ops[v].kind === 'read');
    const hb: Edge[] = [];
    for (;;) {
      const result = rel.clocks(hb, inPast);
      if ('cycle' in result) {
        found.push(withO(cycleInstance('CyclicHB', result.cycle), o));
        return;
      }
      const clocks = result.clocks;
      const added = orderObservedWrites(rel, clocks, reads, hb);
      if (added) continue;
      for (const r of reads) {
        if (!rel.ops[r].initial) continue;
        for (const t of rel.sessionsFrom(r)) {
          const w = rel.lastWriteAtMost(t, rel.ops[r].keyId, clocks.at(r, t));
          if (w < 0) continue;
          found.push({
            pattern: 'WriteHBInitRead',
            ops: [
              { role: 'w', op: w },
              { role: 'r', op: r },
              { role: 'o', op: o },
            ],
          });
          return;
        }
      }
      return;
    }
  });
  return found;
}

/** One round of the rule: adds `w1 →HB w2` where a read of w2 has w1 HB-before it. */
function orderObservedWrites(
  rel: CausalRelations,
  clocks: VectorClocks,
  reads: readonly number[],
  hb: Edge[],
): boolean {
  let added = false;
  for (const r of reads) {
    const w2 = rel.source[r];
    if (w2 < 0) continue;
    for (let t = 0; t < rel.sessions; t++) {
      const w1 = rel.lastWriteAtMost(t, rel.ops[r].keyId, clocks.at(r, t));
      if (w1 < 0 || w1 === w2) continue;
      const op1 = rel.ops[w1];
      if (clocks.at(w2, op1.session) >= op1.position) continue; // already w1 →HB w2
      hb.push({ from: w1, to: w2, kind: 'hb', because: r });
      added = true;
    }
  }
  return added;
}

function withO(instance: PatternInstance, o: number): PatternInstance {
  return { ...instance, ops: [...instance.ops, { role: 'o', op: o }] };
}
