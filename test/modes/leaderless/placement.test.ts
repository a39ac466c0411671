import { asNodeId, type NodeId } from '../../../src/core/ids';
import { Placement, type RingNode } from '../../../src/modes/leaderless/placement';
import { from, runInFreshProcess } from '../../fresh-process';

const node = (id: string, region: string): RingNode => ({ id: asNodeId(id), region });

function cluster(perRegion: Record<string, number>): RingNode[] {
  return Object.entries(perRegion).flatMap(([region, k]) =>
    Array.from({ length: k }, (_, i) => node(`${region}-n${i + 1}`, region)),
  );
}

const keys = Array.from({ length: 2000 }, (_, i) => `k${i}`);

describe('placement', () => {
  it('gives each key rf[region] distinct replicas in every region, for every small cluster', () => {
    const problems: string[] = [];
    for (let a = 1; a <= 4; a++)
      for (let b = 1; b <= 4; b++)
        for (let rfA = 0; rfA <= a; rfA++)
          for (let rfB = 0; rfB <= b; rfB++) {
            const nodes = cluster({ a, b });
            const regionOf = new Map<NodeId, string>(nodes.map((n) => [n.id, n.region]));
            const p = new Placement(
              nodes,
              new Map([
                ['a', rfA],
                ['b', rfB],
              ]),
              8,
            );
            for (const key of keys.slice(0, 100)) {
              const replicas = p.replicas(key);
              const inA = replicas.filter((r) => regionOf.get(r) === 'a').length;
              const inB = replicas.filter((r) => regionOf.get(r) === 'b').length;
              const distinct = new Set(replicas).size === replicas.length;
              // The preference list holds every node once.
              const everyNode = new Set(p.of(key).preference).size === nodes.length;
              if (inA !== rfA || inB !== rfB || !distinct || !everyNode)
                problems.push(`a=${a} b=${b} rf=${rfA},${rfB} ${key}: ${replicas.join(' ')}`);
            }
          }
    expect(problems).toEqual([]);
  });

  it('is the same on every node: it depends on members and key only, not on order given', () => {
    const nodes = cluster({ a: 3, b: 3 });
    const rf = new Map([
      ['a', 2],
      ['b', 2],
    ]);
    const p1 = new Placement(nodes, rf, 16);
    const p2 = new Placement([...nodes].reverse(), rf, 16);
    for (const key of keys) expect(p2.replicas(key)).toEqual(p1.replicas(key));
  });

  it('gives the same placement when remembered as when computed afresh', () => {
    const nodes = cluster({ a: 3, b: 3, c: 3 });
    const rf = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const p = new Placement(nodes, rf, 16);
    const many = Array.from({ length: 20_000 }, (_, i) => `w${i % 100}:k${i}`);
    for (const key of many) p.of(key);
    for (const key of many.slice(0, 300)) {
      const again = p.of(key);
      expect(again.token).toBe(Placement.tokenOf(key));
      expect(again).toEqual(new Placement(nodes, rf, 16).of(key));
    }
  });

  it('remembers one placement per ring segment, not one per key (a heap snapshot)', async () => {
    // Until 2026-11-27 placements were remembered per key: 460 B a key, 8.5 MB of a soak
    // replica's 38.9 MB live heap at 18,398 keys (docs/reliability/soak.md). Now the whole
    // Placement of nine nodes with 16 virtual nodes each stays the same size for any key count.
    const stdout = await runInFreshProcess(
      `import { Placement } from ${from('src/modes/leaderless/placement')};
import { retainedByField, snapshotOfThisProcess } from ${from('bench/heap-snapshot')};
const nodes = ['a', 'b', 'c'].flatMap((region) =>
  [1, 2, 3].map((i) => ({ id: \`\${region}-n\${i}\` as never, region })),
);
const placement = new Placement(nodes, new Map([['a', 1], ['b', 1], ['c', 1]]), 16);
(globalThis as Record<string, unknown>).kept = placement; // alive when the snapshot is taken
const n = 20000;
for (let i = 0; i < n; i++) placement.of(\`w\${i % 100}:k\${i}\`);
void snapshotOfThisProcess().then((g) => {
  const rows = retainedByField(g, 'Placement');
  console.log(JSON.stringify(rows.find((r) => r.path === 'Placement#0')?.bytes));
});
`,
    );
    const bytes = JSON.parse(stdout) as number;
    expect(bytes).toBeGreaterThan(1_000); // the measure sees the ring
    expect(bytes / 20_000).toBeLessThan(5);
  }, 30_000);

  it('spreads keys evenly with virtual nodes', () => {
    const nodes = cluster({ a: 6 });
    const p = new Placement(nodes, new Map([['a', 1]]), 64);
    const load = new Map<string, number>();
    for (const key of Array.from({ length: 60_000 }, (_, i) => `key-${i}`)) {
      const owner = p.replicas(key)[0];
      load.set(owner, (load.get(owner) ?? 0) + 1);
    }
    for (const n of nodes) expect(Math.abs((load.get(n.id) ?? 0) - 10_000)).toBeLessThan(2_500);
  });

  it('moves only about 1/(n+1) of the keys when a node joins (consistent hashing)', () => {
    const before = cluster({ a: 5 });
    const after = [...before, node('a-n6', 'a')];
    const rf = new Map([['a', 1]]);
    const p1 = new Placement(before, rf, 32);
    const p2 = new Placement(after, rf, 32);
    const moved = keys.filter((k) => p1.replicas(k)[0] !== p2.replicas(k)[0]);
    // Every key that moved, moved to the new node.
    expect(moved.every((k) => p2.replicas(k)[0] === 'a-n6')).toBe(true);
    expect(moved.length / keys.length).toBeGreaterThan(0.08);
    expect(moved.length / keys.length).toBeLessThan(0.3);
  });

  it('takes every node of a region when rf exceeds it, and refuses zero virtual nodes', () => {
    const p = new Placement(cluster({ a: 2 }), new Map([['a', 3]]), 4);
    expect(p.replicas('x')).toHaveLength(2);
    expect(new Placement([], new Map(), 4).replicas('x')).toEqual([]);
    expect(() => new Placement(cluster({ a: 1 }), new Map([['a', 1]]), 0)).toThrow(RangeError);
  });
});
