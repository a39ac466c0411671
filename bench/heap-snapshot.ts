/**
 * Reading a V8 heap snapshot (the `.heapsnapshot` JSON that DevTools and
 * `HeapProfiler.takeHeapSnapshot` write): the live heap by kind, the soak keys it holds, and the
 * retained size of each field of the objects of one class.
 *
 * The format (V8's heap-snapshot-generator.cc): `nodes` is a flat array, `node_fields.length`
 * numbers per node (type, name, id, self_size, edge_count, …); `edges` is a flat array,
 * `edge_fields.length` numbers per edge (type, name_or_index, to_node), and a node's edges are
 * the next `edge_count` of them in node order. `to_node` is an index into `nodes`, not a node
 * number. Node 0 is the synthetic root.
 *
 * Retained size is DevTools': what garbage collection would free if the object went, i.e. the
 * sum of self sizes over the object's subtree in the dominator tree. Weak edges do not retain,
 * so they are left out of the graph, as DevTools leaves them out.
 */
import { Session } from 'node:inspector';

export interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** The snapshot as a graph: one entry per node, edges as index ranges into `to`/`edgeName`. */
export interface HeapGraph {
  readonly count: number;
  readonly type: string[];
  readonly name: string[];
  readonly selfSize: Float64Array;
  /** Node i's edges are firstEdge[i] .. firstEdge[i + 1] - 1. */
  readonly firstEdge: Uint32Array;
  readonly to: Uint32Array;
  readonly edgeName: string[];
  readonly edgeWeak: Uint8Array;
  /** 1 for a named property of the object (`property` edges): what its code calls a field. */
  readonly edgeProperty: Uint8Array;
}

export function heapGraph(s: Snapshot): HeapGraph {
  const meta = s.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  );
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) =>
    meta.edge_fields.indexOf(f),
  );
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = s.nodes.length / nf;
  const type: string[] = new Array<string>(count);
  const name: string[] = new Array<string>(count);
  const selfSize = new Float64Array(count);
  const firstEdge = new Uint32Array(count + 1);
  let edge = 0;
  for (let n = 0; n < count; n++) {
    const at = n * nf;
    type[n] = nodeTypes[s.nodes[at + iType]];
    name[n] = s.strings[s.nodes[at + iName]];
    selfSize[n] = s.nodes[at + iSize];
    firstEdge[n] = edge;
    edge += s.nodes[at + iEdges];
  }
  firstEdge[count] = edge;
  const to = new Uint32Array(edge);
  const edgeName: string[] = new Array<string>(edge);
  const edgeWeak = new Uint8Array(edge);
  const edgeProperty = new Uint8Array(edge);
  for (let e = 0; e < edge; e++) {
    const at = e * ef;
    const kind = edgeTypes[s.edges[at + eType]];
    const raw = s.edges[at + eName];
    // Element and hidden edges name an index; the others index into `strings`.
    edgeName[e] = kind === 'element' || kind === 'hidden' ? `[${raw}]` : s.strings[raw];
    edgeWeak[e] = kind === 'weak' ? 1 : 0;
    edgeProperty[e] = kind === 'property' ? 1 : 0;
    to[e] = s.edges[at + eTo] / nf;
  }
  return { count, type, name, selfSize, firstEdge, to, edgeName, edgeWeak, edgeProperty };
}

/**
 * The immediate dominator of every node reachable from the root (node 0), by Cooper, Harvey
 * and Kennedy's iterative algorithm ("A Simple, Fast Dominance Algorithm", 2001); -1 for a node
 * not reachable. A few passes over a few hundred thousand nodes take well under a second.
 */
export function dominators(g: HeapGraph): Int32Array {
  // Reverse postorder of a depth-first search over strong edges.
  const order = new Int32Array(g.count).fill(-1); // postorder number
  const post: number[] = [];
  const stack: number[] = [0];
  const next = new Uint32Array(g.count); // the next edge to look at, per node on the stack
  const seen = new Uint8Array(g.count);
  seen[0] = 1;
  next[0] = g.firstEdge[0];
  while (stack.length > 0) {
    const n = stack[stack.length - 1];
    let pushed = false;
    while (next[n] < g.firstEdge[n + 1]) {
      const e = next[n]++;
      const m = g.to[e];
      if (g.edgeWeak[e] === 1 || seen[m] === 1) continue;
      seen[m] = 1;
      next[m] = g.firstEdge[m];
      stack.push(m);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      order[n] = post.length;
      post.push(n);
    }
  }
  // Predecessors over strong edges, among reachable nodes.
  const predCount = new Uint32Array(g.count + 1);
  for (let n = 0; n < g.count; n++) {
    if (seen[n] === 0) continue;
    for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++)
      if (g.edgeWeak[e] === 0) predCount[g.to[e] + 1]++;
  }
  for (let n = 0; n < g.count; n++) predCount[n + 1] += predCount[n];
  const preds = new Uint32Array(predCount[g.count]);
  const fill = predCount.slice(0, g.count);
  for (let n = 0; n < g.count; n++) {
    if (seen[n] === 0) continue;
    for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++)
      if (g.edgeWeak[e] === 0) preds[fill[g.to[e]]++] = n;
  }
  const idom = new Int32Array(g.count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a];
      while (order[b] < order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = post.length - 2; i >= 0; i--) {
      const n = post[i];
      let dom = -1;
      for (let p = predCount[n]; p < predCount[n + 1]; p++) {
        const m = preds[p];
        if (idom[m] === -1) continue;
        dom = dom === -1 ? m : intersect(m, dom);
      }
      if (dom !== -1 && idom[n] !== dom) {
        idom[n] = dom;
        changed = true;
      }
    }
  }
  return idom;
}

/** Retained size of every node: its self size plus its dominator-tree descendants'. */
export function retainedSizes(g: HeapGraph, idom: Int32Array): Float64Array {
  const retained = Float64Array.from(g.selfSize);
  // Children before parents: a node's depth in the dominator tree orders them.
  const depth = new Int32Array(g.count).fill(-1);
  depth[0] = 0;
  const depthOf = (n: number): number => {
    const path: number[] = [];
    let m = n;
    while (depth[m] === -1) {
      path.push(m);
      m = idom[m];
    }
    for (let d = depth[m], i = path.length - 1; i >= 0; i--) depth[path[i]] = ++d;
    return depth[n];
  };
  const reachable: number[] = [];
  for (let n = 1; n < g.count; n++) if (idom[n] !== -1) reachable.push(n);
  for (const n of reachable) depthOf(n);
  reachable.sort((a, b) => depth[b] - depth[a]);
  for (const n of reachable) retained[idom[n]] += retained[n];
  for (let n = 0; n < g.count; n++) if (idom[n] === -1) retained[n] = 0;
  return retained;
}

export interface HeapSummary {
  readonly liveBytes: number;
  /** Strings of the soak's key form `w<n>:k<i>`, and how many windows they come from. */
  readonly soakKeys: number;
  readonly soakWindows: number;
  /** Self size by kind (`string`, or type and constructor name), largest first. */
  readonly byKind: { kind: string; bytes: number; count: number }[];
}

export function summarise(g: HeapGraph): HeapSummary {
  const byKind = new Map<string, { bytes: number; count: number }>();
  const windows = new Set<number>();
  let keys = 0;
  let total = 0;
  for (let n = 0; n < g.count; n++) {
    const type = g.type[n];
    total += g.selfSize[n];
    const kind = type.endsWith('string') ? 'string' : `${type} ${g.name[n].slice(0, 50)}`;
    const k = byKind.get(kind) ?? { bytes: 0, count: 0 };
    k.bytes += g.selfSize[n];
    k.count++;
    byKind.set(kind, k);
    const w = type === 'string' ? /^w(\d+):k\d+$/.exec(g.name[n]) : null;
    if (w !== null) {
      keys++;
      windows.add(Number(w[1]));
    }
  }
  return {
    liveBytes: total,
    soakKeys: keys,
    soakWindows: windows.size,
    byKind: [...byKind].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => b.bytes - a.bytes),
  };
}

export interface FieldRetained {
  /** `Class#i.field` (the i-th object of that class in the snapshot, from 0). */
  readonly path: string;
  readonly bytes: number;
  /** The field's object is also reachable other than through this one: its size is its own. */
  readonly shared: boolean;
}

/**
 * What each named field of every object of class `className` retains, largest first; plus a
 * `Class#i` row for the object as a whole. A field whose object is reachable other than through
 * this one is marked `shared`; the object as a whole does not count it.
 */
export function retainedByField(g: HeapGraph, className: string): FieldRetained[] {
  const idom = dominators(g);
  const retained = retainedSizes(g, idom);
  const rows: FieldRetained[] = [];
  let i = 0;
  for (let n = 0; n < g.count; n++) {
    if (g.type[n] !== 'object' || g.name[n] !== className) continue;
    const self = `${className}#${i++}`;
    rows.push({ path: self, bytes: retained[n], shared: false });
    for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++) {
      const m = g.to[e];
      // Fields only: not the hidden class (`map`) and other internal edges, nor elements.
      if (g.edgeProperty[e] === 0 || g.edgeName[e] === '__proto__') continue;
      rows.push({ path: `${self}.${g.edgeName[e]}`, bytes: retained[m], shared: idom[m] !== n });
    }
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}

/**
 * The bytes the objects of `classes` hold together: what would become unreachable from the
 * root if every one of them went. Unlike the sum of their retained sizes, this counts what they
 * share with each other (a replica's cells are held both by its store and by its storage's
 * state), so "live − held" is what the rest of the process holds.
 */
export function heldTogether(g: HeapGraph, classes: readonly string[]): number {
  const wanted = new Set(classes);
  const reachableBytes = (skip: (n: number) => boolean): number => {
    const seen = new Uint8Array(g.count);
    const stack = [0];
    seen[0] = 1;
    let bytes = 0;
    while (stack.length > 0) {
      const n = stack.pop() as number;
      bytes += g.selfSize[n];
      for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++) {
        const m = g.to[e];
        if (g.edgeWeak[e] === 1 || seen[m] === 1 || skip(m)) continue;
        seen[m] = 1;
        stack.push(m);
      }
    }
    return bytes;
  };
  return (
    reachableBytes(() => false) -
    reachableBytes((n) => g.type[n] === 'object' && wanted.has(g.name[n]))
  );
}

/**
 * A heap snapshot of this very process, through an inspector session of its own (no port):
 * for a test that measures what a structure holds, in a fresh process whose heap is small.
 */
export function snapshotOfThisProcess(): Promise<HeapGraph> {
  return new Promise((resolve, reject) => {
    const session = new Session();
    session.connect();
    const chunks: string[] = [];
    session.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
    session.post('HeapProfiler.takeHeapSnapshot', {}, (error) => {
      session.disconnect();
      if (error) reject(error);
      else resolve(heapGraph(JSON.parse(chunks.join('')) as Snapshot));
    });
  });
}
