import type { CausalRelations } from './analysis';
import type { Edge } from './graph';
import { MinHeap } from './heap';

/**
 * The shortest causal path from `from` to `to` over PO ∪ wr (causal.md, recipe step 8): fewest
 * wr edges first (each is a hop between sessions), then fewest edges. Its shape says which
 * session guarantee a violation breaks. Undefined when `to` is not causally after `from`.
 */
export function shortestCausalPath(
  rel: CausalRelations,
  from: number,
  to: number,
): Edge[] | undefined {
  const n = rel.ops.length;
  const hops = n + 1;
  const cost = new Float64Array(n).fill(Infinity);
  const via = new Array<Edge | undefined>(n);
  const next = rel.successors();
  const heap = new MinHeap();
  cost[from] = 0;
  heap.push(0, from);
  while (heap.size > 0) {
    const [c, v] = heap.pop();
    if (c > cost[v]) continue;
    if (v === to) break;
    for (const e of next[v]) {
      const step =
        c + (e.kind === 'wr' && rel.ops[e.from].session !== rel.ops[e.to].session ? hops : 1);
      if (step < cost[e.to]) {
        cost[e.to] = step;
        via[e.to] = e;
        heap.push(step, e.to);
      }
    }
  }
  if (cost[to] === Infinity) return undefined;
  const path: Edge[] = [];
  for (let v = to; v !== from;) {
    const e = via[v] as Edge;
    path.push(e);
    v = e.from;
  }
  return path.reverse();
}
