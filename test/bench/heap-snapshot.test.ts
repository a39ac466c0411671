import {
  dominators,
  heapGraph,
  heldTogether,
  retainedByField,
  retainedSizes,
  type Snapshot,
  summarise,
} from '../../bench/heap-snapshot';

/**
 * A snapshot in V8's format, small enough to work out by hand:
 *
 *   root ─► Store#0 ─.cells─► cells ─► "w3:k1"
 *      │         └──.shared──► table ◄── Cache ◄─ root
 *      └─weak─► orphan
 *
 * `table` is reachable through Store and through Cache, so neither retains it; `orphan` is held
 * only by a weak edge, so it is not live.
 */
function snapshot(): Snapshot {
  const nodeTypes = ['hidden', 'array', 'string', 'object', 'synthetic'];
  const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
  const strings = ['', 'Store', 'cells', 'w3:k1', 'shared', 'table', 'Cache', 'orphan', 'x'];
  const type = (t: string) => nodeTypes.indexOf(t);
  const edge = (t: string) => edgeTypes.indexOf(t);
  const NF = 5; // type, name, id, self_size, edge_count
  // node: [type, name, id, self_size, edge_count]; edges follow in node order.
  const nodes = [
    [type('synthetic'), 0, 1, 0, 3], // 0 root
    [type('object'), 1, 2, 100, 2], // 1 Store
    [type('array'), 0, 3, 1000, 1], // 2 cells
    [type('string'), 3, 4, 20, 0], // 3 "w3:k1"
    [type('array'), 5, 5, 5000, 0], // 4 table
    [type('object'), 6, 6, 50, 1], // 5 Cache
    [type('object'), 7, 7, 7000, 0], // 6 orphan
  ];
  const edges = [
    [edge('element'), 0, 1 * NF], // root → Store
    [edge('element'), 1, 5 * NF], // root → Cache
    [edge('weak'), 2, 6 * NF], // root ⇢ orphan
    [edge('property'), 2, 2 * NF], // Store.cells
    [edge('property'), 4, 4 * NF], // Store.shared
    [edge('element'), 0, 3 * NF], // cells[0]
    [edge('property'), 8, 4 * NF], // Cache.x
  ];
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [nodeTypes],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [edgeTypes],
      },
    },
    nodes: nodes.flat(),
    edges: edges.flat(),
    strings,
  };
}

describe('heap snapshot reading', () => {
  const g = heapGraph(snapshot());

  it('finds each node’s immediate dominator over strong edges only', () => {
    expect([...dominators(g)]).toEqual([0, 0, 1, 2, 0, 0, -1]);
  });

  it('sums retained sizes up the dominator tree', () => {
    const retained = retainedSizes(g, dominators(g));
    expect([...retained]).toEqual([6170, 1120, 1020, 20, 5000, 50, 0]);
  });

  it('reports each field of a class, marking what is also held elsewhere', () => {
    expect(retainedByField(g, 'Store')).toEqual([
      { path: 'Store#0.shared', bytes: 5000, shared: true },
      { path: 'Store#0', bytes: 1120, shared: false },
      { path: 'Store#0.cells', bytes: 1020, shared: false },
    ]);
    expect(retainedByField(g, 'Nothing')).toEqual([]);
  });

  it('counts what classes hold together, shared parts included', () => {
    // Store alone does not hold `table` (Cache reaches it too); Store and Cache together do.
    expect(heldTogether(g, ['Store'])).toBe(1120);
    expect(heldTogether(g, ['Store', 'Cache'])).toBe(6170);
    expect(heldTogether(g, ['Nothing'])).toBe(0);
  });

  it('counts the soak’s keys and their windows', () => {
    const s = summarise(g);
    expect(s.soakKeys).toBe(1);
    expect(s.soakWindows).toBe(1);
    expect(s.liveBytes).toBe(13170);
    expect(s.byKind[0]).toEqual({ kind: 'object orphan', bytes: 7000, count: 1 });
  });
});
