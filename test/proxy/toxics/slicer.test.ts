import { slicerPieceSizes } from '../../../src/proxy/toxics';
import { seeded } from '../harness';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('slicerPieceSizes', () => {
  it('cuts a chunk into pieces that add up to it, near average_size', () => {
    const attrs = { average_size: 100, size_variation: 20, delay: 0 };
    const random = seeded(1);
    for (const length of [1, 99, 100, 121, 1000, 65_536]) {
      const sizes = slicerPieceSizes(attrs, length, random);
      expect(sum(sizes)).toBe(length);
      expect(Math.min(...sizes)).toBeGreaterThan(0);
      // Upstream's base case stops within size_variation of the average; halving can go lower.
      expect(Math.max(...sizes)).toBeLessThanOrEqual(attrs.average_size + attrs.size_variation);
    }
  });

  it('replays the same cuts from the same seed', () => {
    const attrs = { average_size: 10, size_variation: 4, delay: 0 };
    expect(slicerPieceSizes(attrs, 500, seeded(9))).toEqual(
      slicerPieceSizes(attrs, 500, seeded(9)),
    );
  });

  it('terminates where upstream would panic or recurse forever', () => {
    expect(
      slicerPieceSizes({ average_size: 0, size_variation: 0, delay: 0 }, 5, Math.random),
    ).toEqual([1, 1, 1, 1, 1]);
    expect(
      sum(slicerPieceSizes({ average_size: 3, size_variation: -2, delay: 0 }, 50, Math.random)),
    ).toBe(50);
    expect(
      slicerPieceSizes({ average_size: 10, size_variation: 0, delay: 0 }, 0, Math.random),
    ).toEqual([0]);
  });
});
