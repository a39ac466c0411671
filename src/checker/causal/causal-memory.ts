import type { CausalRelations } from './analysis';
import { topologicalSort, VectorClocks, type Edge } from './graph';
import { MinHeap } from './heap';
import { cycleInstance, type PatternInstance } from './patterns';

/**
 * CM's patterns (Bouajjani et al. 2017, §3.3): for an op o, HB_o is the smallest transitive
 * relation that holds CO on o's causal past and orders w1 before w2 (both on x) whenever a
 * read of w2 that is o or program-before o has w1 HB_o-before it. HB_o grows along program
 * order, so it suffices to compute it for the last op of each session (causal.md, step 7).
 *
 * HB_o contains program order and is transitive, so HB-pasts are downward closed in every
 * session, like causal pasts: vector clocks represent them, and the rule needs at most one new
 * edge per session per read. The fixpoint is a worklist over o's past in causal order: an op
 * is looked at again when a predecessor's clock grows or a new edge reaches it (new edges may
 * point backwards in that order). An op that finds itself in its own past closes a cycle.
 */
export function causalMemoryViolations(
  rel: CausalRelations,
  co: VectorClocks,
  order: readonly number[],
): PatternInstance[] {
  const found: PatternInstance[] = [];
  const clocks = new VectorClocks(rel.sessions, rel.ops.length);
  rel.sessionOps.forEach((ops) => {
    if (ops.length === 0) return;
    const o = ops[ops.length - 1];
    const inPast = (v: number): boolean => rel.ops[v].position <= co.at(o, rel.ops[v].session);
    const past = order.filter(inPast);
    const hb = happensBefore(rel, clocks, past, new Set(ops));
    if (hb.cyclic) {
      const sorted = topologicalSort(rel.ops.length, [...rel.edges, ...hb.edges], inPast);
      if ('cycle' in sorted) found.push(withO(cycleInstance('CyclicHB', sorted.cycle), o));
      return;
    }
    for (const r of ops) {
      const read = rel.ops[r];
      if (read.kind !== 'read' || !read.initial) continue;
      for (const t of rel.sessionsFrom(r)) {
        const w = rel.lastWriteAtMost(t, read.keyId, clocks.at(r, t));
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
  });
  return found;
}

/** HB_o's clocks for the ops of `past` (in causal order), and the rule's edges. */
function happensBefore(
  rel: CausalRelations,
  clocks: VectorClocks,
  past: readonly number[],
  session: ReadonlySet<number>,
): { edges: Edge[]; cyclic: boolean } {
  const S = rel.sessions;
  const c = clocks.clock;
  for (const v of past) c.fill(-1, v * S, v * S + S);
  const preds = rel.predecessors();
  const next = rel.successors();
  const rank = new Map<number, number>();
  past.forEach((v, i) => rank.set(v, i));
  const hbInto = new Map<number, number[]>();
  const hbOut = new Map<number, number[]>();
  const edges: Edge[] = [];
  const added = new Set<string>();
  // A worklist in causal order: an op is looked at again only when a predecessor's clock grew.
  const queue = new MinHeap();
  const queued = new Uint8Array(rel.ops.length);
  const enqueue = (v: number): void => {
    const r = rank.get(v);
    if (r === undefined || queued[v] === 1) return;
    queued[v] = 1;
    queue.push(r, v);
  };
  past.forEach(enqueue);
  while (queue.size > 0) {
    const v = queue.pop()[1];
    queued[v] = 0;
    const base = v * S;
    const op = rel.ops[v];
    let grew = c[base + op.session] < op.position;
    if (grew) c[base + op.session] = op.position;
    const into = hbInto.get(v);
    for (const u of into === undefined ? preds[v] : [...preds[v], ...into]) {
      // v in the past of one of its predecessors: v happens before itself.
      if (c[u * S + op.session] >= op.position) return { edges, cyclic: true };
      for (let s = 0; s < S; s++) {
        const x = c[u * S + s];
        if (x > c[base + s]) {
          c[base + s] = x;
          grew = true;
        }
      }
    }
    if (!grew) continue;
    for (const e of next[v]) enqueue(e.to);
    for (const w of hbOut.get(v) ?? []) enqueue(w);
    const w2 = rel.source[v];
    if (!session.has(v) || w2 < 0) continue;
    for (let t = 0; t < S; t++) {
      const w1 = rel.lastWriteAtMost(t, op.keyId, c[base + t]);
      if (w1 < 0 || w1 === w2) continue;
      const key = `${w1} ${w2}`;
      if (added.has(key)) continue;
      added.add(key);
      edges.push({ from: w1, to: w2, kind: 'hb', because: v });
      (hbInto.get(w2) ?? hbInto.set(w2, []).get(w2))?.push(w1);
      (hbOut.get(w1) ?? hbOut.set(w1, []).get(w1))?.push(w2);
      enqueue(w2);
    }
  }
  return { edges, cyclic: false };
}

function withO(instance: PatternInstance, o: number): PatternInstance {
  return { ...instance, ops: [...instance.ops, { role: 'o', op: o }] };
}
