import { before, type CausalRelations } from './analysis';
import { topologicalSort, type Edge, type VectorClocks } from './graph';

/** The bad patterns of Bouajjani et al. (POPL 2017, Table 2), by the names hengxin and c3py use. */
export type BadPattern =
  | 'CyclicCO'
  | 'WriteCOInitRead'
  | 'ThinAirRead'
  | 'WriteCORead'
  | 'CyclicCF'
  | 'WriteHBInitRead'
  | 'CyclicHB';

export type CausalModel = 'CC' | 'CCv' | 'CM';

/** Which models each pattern rules out (the paper's Theorems 3, 4 and 5). */
export const FORBIDS: Readonly<Record<BadPattern, readonly CausalModel[]>> = {
  CyclicCO: ['CC', 'CCv', 'CM'],
  WriteCOInitRead: ['CC', 'CCv', 'CM'],
  ThinAirRead: ['CC', 'CCv', 'CM'],
  WriteCORead: ['CC', 'CCv', 'CM'],
  CyclicCF: ['CCv'],
  WriteHBInitRead: ['CM'],
  CyclicHB: ['CM'],
};

/** One occurrence of a pattern: its ops by role, and for the cyclic ones the cycle. */
export interface PatternInstance {
  readonly pattern: BadPattern;
  /** Roles as in the paper: `w1`, `w2`, `r`, `o`; op ids. */
  readonly ops: readonly { readonly role: string; readonly op: number }[];
  readonly cycle?: readonly Edge[];
}

/** Reads of a value no write wrote. */
export function thinAirReads(rel: CausalRelations): PatternInstance[] {
  return rel.ops
    .filter((op) => op.kind === 'read' && !op.initial && rel.source[op.id] < 0)
    .map((op) => ({ pattern: 'ThinAirRead', ops: [{ role: 'r', op: op.id }] }));
}

/**
 * `read(x,⊥)` r with a write w on x causally before it. For each session only its last write
 * on x in r's past matters (the newest that r should have seen): causal.md, recipe step 4.
 */
export function writeCOInitReads(rel: CausalRelations, co: VectorClocks): PatternInstance[] {
  const found: PatternInstance[] = [];
  for (const r of rel.ops) {
    if (r.kind !== 'read' || !r.initial) continue;
    for (const s of rel.sessionsFrom(r.id)) {
      const w = rel.lastWriteAtMost(s, r.keyId, co.at(r.id, s));
      if (w < 0) continue;
      found.push({
        pattern: 'WriteCOInitRead',
        ops: [
          { role: 'w', op: w },
          { role: 'r', op: r.id },
        ],
      });
      break;
    }
  }
  return found;
}

/**
 * `w1 →CO w2 →CO r` with r reading w1's value. Pasts grow along program order, so in each
 * session the last write on x in r's past is the only candidate for w2 (recipe step 5).
 */
export function writeCOReads(rel: CausalRelations, co: VectorClocks): PatternInstance[] {
  const found: PatternInstance[] = [];
  for (const r of rel.ops) {
    const w1 = rel.source[r.id];
    if (w1 < 0) continue;
    for (const s of rel.sessionsFrom(r.id)) {
      const w2 = rel.lastWriteAtMost(s, r.keyId, co.at(r.id, s));
      if (w2 < 0 || w2 === w1 || !before(rel, co, w1, w2)) continue;
      found.push({
        pattern: 'WriteCORead',
        ops: [
          { role: 'w1', op: w1 },
          { role: 'w2', op: w2 },
          { role: 'r', op: r.id },
        ],
      });
      break;
    }
  }
  return found;
}

/**
 * CF edges: a read r of x from w2 saw w1 on x in its causal past, so a convergent store must
 * arbitrate w1 before w2. Only each session's last such w1 is needed (recipe step 6).
 */
export function conflictEdges(rel: CausalRelations, co: VectorClocks): Edge[] {
  const edges: Edge[] = [];
  for (const r of rel.ops) {
    const w2 = rel.source[r.id];
    if (w2 < 0) continue;
    for (let s = 0; s < rel.sessions; s++) {
      const w1 = rel.lastWriteAtMost(s, r.keyId, co.at(r.id, s));
      if (w1 >= 0 && w1 !== w2) edges.push({ from: w1, to: w2, kind: 'cf', because: r.id });
    }
  }
  return edges;
}

/** CyclicCF: a cycle in CF ∪ CO; CCv only. */
export function cyclicCF(rel: CausalRelations, co: VectorClocks): PatternInstance[] {
  const result = topologicalSort(rel.ops.length, [...rel.edges, ...conflictEdges(rel, co)]);
  if (!('cycle' in result)) return [];
  return [cycleInstance('CyclicCF', result.cycle)];
}

export function cycleInstance(pattern: BadPattern, cycle: readonly Edge[]): PatternInstance {
  return { pattern, ops: cycle.map((e, i) => ({ role: `c${i + 1}`, op: e.from })), cycle };
}
