import { Rng } from '../../src/core/random';

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  it('matches the reference C implementation from a raw state', () => {
    // prng.di.unimi.it/xoshiro128starstar.c with s = {1, 2, 3, 4}.
    const rng = Rng.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 6 }, () => rng.uint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('seeds through SplitMix64 as the reference does', () => {
    // splitmix64.c with x = 42: two outputs, low words first, then xoshiro128** steps.
    const rng = new Rng(42);
    const out = Array.from({ length: 4 }, () => rng.uint32());
    expect(out).toEqual([1776835114, 4165204688, 17111135, 2317295270]);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const draw = (seed: number | string): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 8 }, () => rng.uint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw('sim-a')).toEqual(draw('sim-a'));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw('sim-a')).not.toEqual(draw('sim-b'));
  });

  it('forks by label, independently of how far the parent has advanced', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    for (let i = 0; i < 100; i++) b.uint32();
    const fa = a.fork('node-1');
    const fb = b.fork('node-1');
    expect([fa.uint32(), fa.uint32()]).toEqual([fb.uint32(), fb.uint32()]);
    expect(a.fork('node-1').uint32()).not.toBe(a.fork('node-2').uint32());
    expect(new Rng(2).fork('node-1').uint32()).not.toBe(a.fork('node-1').uint32());
  });

  it('draws next() in [0, 1) and below(n) in [0, n), roughly uniformly', () => {
    const rng = new Rng(2024);
    const buckets = new Array<number>(10).fill(0);
    const draws = 100_000;
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const x = rng.next();
      if (x < 0 || x >= 1) outside++;
      else buckets[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    // Chi-square with 9 degrees of freedom; 27.88 is the 0.1% critical value.
    const expected = draws / 10;
    const chi2 = buckets.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);

    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = rng.below(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(7);
    expect(rng.below(1)).toBe(0);
  });

  it('rejects bad seeds and bounds', () => {
    expect(() => new Rng(-1)).toThrow(RangeError);
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => new Rng(2 ** 60)).toThrow(RangeError);
    const rng = new Rng(0);
    expect(() => rng.below(0)).toThrow(RangeError);
    expect(() => rng.below(2.5)).toThrow(RangeError);
    expect(() => rng.below(2 ** 32 + 1)).toThrow(RangeError);
  });
});
