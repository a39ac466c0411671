/**
 * Directed graphs over a history's ops: the edge kinds the bad patterns speak of, Kahn's
 * topological sort (a leftover means a cycle, and one is extracted as the witness), and
 * causal pasts as vector clocks.
 */

/** po: program order; wr: write → read of its value; cf: conflict (CCv); hb: happens-before (CM). */
export type EdgeKind = 'po' | 'wr' | 'cf' | 'hb';

export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  /** For cf and hb edges: the read that forces the order. */
  readonly because?: number;
}

export type Sorted = { readonly order: number[] } | { readonly cycle: Edge[] };

/**
 * Kahn's algorithm over the nodes `included` (all when omitted) and `edges` between them. When
 * some nodes are left, each has a predecessor among them, so walking predecessors from any one
 * must close a cycle.
 */
export function topologicalSort(
  nodes: number,
  edges: readonly Edge[],
  included?: (v: number) => boolean,
): Sorted {
  const inside = included ?? (() => true);
  const indegree = new Int32Array(nodes);
  const out: Edge[][] = Array.from({ length: nodes }, () => []);
  for (const e of edges) {
    if (!inside(e.from) || !inside(e.to)) continue;
    out[e.from].push(e);
    indegree[e.to]++;
  }
  const order: number[] = [];
  let count = 0;
  for (let v = 0; v < nodes; v++) {
    if (!inside(v)) continue;
    count++;
    if (indegree[v] === 0) order.push(v);
  }
  for (let head = 0; head < order.length; head++) {
    for (const e of out[order[head]]) if (--indegree[e.to] === 0) order.push(e.to);
  }
  if (order.length === count) return { order };
  return { cycle: extractCycle(nodes, edges, (v) => inside(v) && indegree[v] > 0) };
}

function extractCycle(nodes: number, edges: readonly Edge[], left: (v: number) => boolean): Edge[] {
  const into = new Array<Edge | undefined>(nodes);
  for (const e of edges) if (left(e.from) && left(e.to)) into[e.to] ??= e;
  let start = 0;
  while (!left(start)) start++;
  const seenAt = new Map<number, number>();
  const walk: Edge[] = [];
  let v = start;
  while (!seenAt.has(v)) {
    seenAt.set(v, walk.length);
    const e = into[v] as Edge;
    walk.push(e);
    v = e.from;
  }
  // walk[i] enters the i-th node visited; the cycle is the part after v was first seen.
  return walk.slice(seenAt.get(v)).reverse();
}

/**
 * Vector clocks of causal pasts: because program order is a total order per session, every
 * causal past is downward closed in each session, so `clock[v·S + s]` = the largest position in
 * session s of an op in v's past (or v itself), -1 when none (causal.md, recipe step 3).
 */
export class VectorClocks {
  readonly clock: Int32Array;
  constructor(
    readonly sessions: number,
    nodes: number,
  ) {
    this.clock = new Int32Array(nodes * sessions).fill(-1);
  }

  /** Fills the clocks in topological `order`, each the pointwise max of its predecessors'. */
  compute(
    order: readonly number[],
    edges: readonly Edge[],
    sessionOf: (v: number) => number,
    positionOf: (v: number) => number,
  ): void {
    const S = this.sessions;
    const into: number[][] = [];
    for (const e of edges) (into[e.to] ??= []).push(e.from);
    for (const v of order) {
      const base = v * S;
      this.clock.fill(-1, base, base + S);
      for (const u of into[v] ?? []) {
        const from = u * S;
        for (let s = 0; s < S; s++) {
          if (this.clock[from + s] > this.clock[base + s])
            this.clock[base + s] = this.clock[from + s];
        }
      }
      this.clock[base + sessionOf(v)] = positionOf(v);
    }
  }

  /** The largest position of session s in v's past. */
  at(v: number, s: number): number {
    return this.clock[v * this.sessions + s];
  }
}
