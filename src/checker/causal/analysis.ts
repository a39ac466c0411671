import type { CausalHistory, CausalOp } from './ops';
import { topologicalSort, VectorClocks, type Edge } from './graph';

/**
 * The relations of a differentiated history that every bad pattern is built from: program
 * order, the write each read reads from (`wr`, unique because values are), and the writes of
 * each session per key, in program order.
 */
export class CausalRelations {
  readonly ops: readonly CausalOp[];
  readonly sessions: number;
  /** wr: the write each read reads from; -1 for ⊥ reads, writes, and thin-air reads. */
  readonly source: Int32Array;
  /** Edges of PO (each op to the next in its session) and wr. */
  readonly edges: Edge[] = [];
  readonly readersOf: number[][];
  readonly sessionOps: readonly (readonly number[])[];
  private readonly writesBySession: Map<string, number[]>[];

  constructor(history: CausalHistory) {
    this.ops = history.ops;
    this.sessions = history.sessions.length;
    const n = this.ops.length;
    this.source = new Int32Array(n).fill(-1);
    this.readersOf = Array.from({ length: n }, () => []);
    this.writesBySession = history.sessions.map(() => new Map());
    const writeOf = new Map<string, number>();
    for (const op of this.ops) {
      if (op.kind !== 'write') continue;
      writeOf.set(`${op.keyId} ${op.valueId}`, op.id);
      const perKey = this.writesBySession[op.session];
      const list = perKey.get(op.keyId);
      if (list === undefined) perKey.set(op.keyId, [op.position]);
      else list.push(op.position);
    }
    for (const session of history.sessions) {
      for (let i = 1; i < session.ops.length; i++) {
        this.edges.push({ from: session.ops[i - 1], to: session.ops[i], kind: 'po' });
      }
    }
    for (const op of this.ops) {
      if (op.kind !== 'read' || op.initial) continue;
      const w = writeOf.get(`${op.keyId} ${op.valueId}`);
      if (w === undefined) continue;
      this.source[op.id] = w;
      this.readersOf[w].push(op.id);
      this.edges.push({ from: w, to: op.id, kind: 'wr' });
    }
    this.sessionOps = history.sessions.map((s) => s.ops);
  }

  private successorLists: Edge[][] | undefined;
  private predecessorLists: number[][] | undefined;

  /** The PO predecessor and wr source of every op (built on first use). */
  predecessors(): readonly (readonly number[])[] {
    if (this.predecessorLists === undefined) {
      const lists: number[][] = Array.from({ length: this.ops.length }, () => []);
      for (const e of this.edges) lists[e.to].push(e.from);
      this.predecessorLists = lists;
    }
    return this.predecessorLists;
  }

  /** Outgoing PO and wr edges of every op (built on first use). */
  successors(): readonly (readonly Edge[])[] {
    if (this.successorLists === undefined) {
      const lists: Edge[][] = Array.from({ length: this.ops.length }, () => []);
      for (const e of this.edges) lists[e.from].push(e);
      this.successorLists = lists;
    }
    return this.successorLists;
  }

  /** The op of session s at `position`. */
  opAt(s: number, position: number): number {
    return this.sessionOps[s][position];
  }

  /** The last write on `keyId` in session s at a position ≤ bound, or -1. */
  lastWriteAtMost(s: number, keyId: string, bound: number): number {
    const list = this.writesBySession[s].get(keyId);
    if (list === undefined || bound < 0) return -1;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] <= bound) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? -1 : this.opAt(s, list[found]);
  }

  /** Sessions, r's own first: a witness inside one session is the most direct. */
  sessionsFrom(r: number): number[] {
    const own = this.ops[r].session;
    return [own, ...Array.from({ length: this.sessions }, (_, s) => s).filter((s) => s !== own)];
  }

  /** Causal pasts of `PO ∪ wr ∪ extra`, or the cycle that prevents them. */
  clocks(
    extra: readonly Edge[] = [],
    included?: (v: number) => boolean,
  ): { clocks: VectorClocks; order: number[] } | { cycle: Edge[] } {
    const edges = extra.length === 0 ? this.edges : [...this.edges, ...extra];
    const sorted = topologicalSort(this.ops.length, edges, included);
    if ('cycle' in sorted) return sorted;
    const clocks = new VectorClocks(this.sessions, this.ops.length);
    const inside = included ?? (() => true);
    clocks.compute(
      sorted.order,
      edges.filter((e) => inside(e.from) && inside(e.to)),
      (v) => this.ops[v].session,
      (v) => this.ops[v].position,
    );
    return { clocks, order: sorted.order };
  }
}

/** a →CO b in the pasts `clocks` describe (a ≠ b). */
export function before(
  relations: CausalRelations,
  clocks: VectorClocks,
  a: number,
  b: number,
): boolean {
  const op = relations.ops[a];
  return a !== b && clocks.at(b, op.session) >= op.position;
}
