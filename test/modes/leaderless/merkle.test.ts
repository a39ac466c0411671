import { Rng } from '../../../src/core/random';
import {
  buildTree,
  differingLeaves,
  leafOf,
  treeSize,
  type TreeEntry,
} from '../../../src/modes/leaderless/merkle';
import { Placement } from '../../../src/modes/leaderless/placement';

const entry = (key: string, digest: string): TreeEntry => ({
  key,
  token: Placement.tokenOf(key),
  digest,
});

describe('Merkle trees', () => {
  const base = Array.from({ length: 200 }, (_, i) => entry(`k${i}`, `v${i}`));

  it('are equal for equal contents, whatever the order of the entries', () => {
    const shuffled = [...base].reverse();
    expect(buildTree(shuffled, 6)).toEqual(buildTree(base, 6));
    expect(buildTree(base, 6)).toHaveLength(treeSize(6));
  });

  it('find exactly the leaves holding a changed, missing or extra key, at every depth', () => {
    const rng = new Rng(3);
    for (let depth = 0; depth <= 8; depth++) {
      for (let trial = 0; trial < 20; trial++) {
        const changed = new Set<number>();
        const other = base.flatMap((e, i) => {
          const u = rng.next();
          if (u < 0.02) {
            changed.add(leafOf(e.token, depth));
            return [];
          }
          if (u < 0.04) {
            changed.add(leafOf(e.token, depth));
            return [entry(e.key, `${e.digest}'`)];
          }
          return i === 0 && trial % 2 === 0 ? [e, entry('extra', 'x')] : [e];
        });
        if (trial % 2 === 0) changed.add(leafOf(Placement.tokenOf('extra'), depth));
        const found = differingLeaves(buildTree(base, depth), buildTree(other, depth), depth);
        expect(found).toEqual([...changed].sort((a, b) => a - b));
      }
    }
  });

  it('refuse depths and trees that do not fit', () => {
    expect(() => buildTree(base, 17)).toThrow(RangeError);
    expect(() => differingLeaves([0], [0, 0, 0], 1)).toThrow(RangeError);
  });
});
