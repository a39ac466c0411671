import { Rng } from '../../src/core/random';
import type { Workload } from '../../src/topology';
import { OpGenerator } from '../../src/workload/generator';

const base: Workload = {
  keys: 10,
  keyDistribution: 'uniform',
  zipfExponent: 1,
  hotKeyFraction: 0.5,
  concurrency: 1,
  durationMs: 1000,
  mix: { read: 1, write: 1 },
};

function draw(w: Partial<Workload>, n = 20_000) {
  const g = new OpGenerator({ ...base, ...w });
  const rng = new Rng(5);
  return Array.from({ length: n }, () => g.next(rng));
}

describe('the op generator', () => {
  it('follows the mix', () => {
    const ops = draw({ mix: { read: 3, write: 1 } });
    const reads = ops.filter((o) => o.f === 'read').length / ops.length;
    expect(reads).toBeGreaterThan(0.73);
    expect(reads).toBeLessThan(0.77);
  });

  it('with keysByType, gives each data type its own keys and reads them in proportion', () => {
    const ops = draw({ mix: { read: 2, write: 3, append: 1 }, keysByType: true });
    const prefix = (f: string) => new Set(ops.filter((o) => o.f === f).map((o) => o.key[0]));
    expect(prefix('write')).toEqual(new Set(['k']));
    expect(prefix('append')).toEqual(new Set(['l']));
    const reads = ops.filter((o) => o.f === 'read');
    const lists = reads.filter((o) => o.key.startsWith('l')).length / reads.length;
    expect(lists).toBeGreaterThan(0.22);
    expect(lists).toBeLessThan(0.28);
    // Off by default: one key space, the same draws as before the option existed.
    expect(new Set(draw({ mix: { write: 1, append: 1 } }).map((o) => o.key[0]))).toEqual(
      new Set(['k']),
    );
  });

  it('writes every value once across all keys', () => {
    const values = draw({ mix: { write: 1, cas: 1, append: 1 } }).map((o) =>
      o.f === 'cas' ? o.value[1] : o.f === 'write' || o.f === 'append' ? o.value : undefined,
    );
    expect(new Set(values).size).toBe(values.length);
  });

  it('spreads keys uniformly, skews them by Zipf, or heats one', () => {
    const share = (ops: ReturnType<typeof draw>, key: string) =>
      ops.filter((o) => o.key === key).length / ops.length;
    expect(share(draw({}), 'k0')).toBeCloseTo(0.1, 1);
    // Zipf s = 1 over 10 keys: P(k0) = 1 / H(10) ≈ 0.341.
    expect(share(draw({ keyDistribution: 'zipfian' }), 'k0')).toBeCloseTo(0.341, 1);
    expect(share(draw({ keyDistribution: 'hotkey', hotKeyFraction: 0.8 }), 'k0')).toBeCloseTo(
      0.8,
      1,
    );
  });

  it('guesses the last written value in a cas', () => {
    const g = new OpGenerator({ ...base, keys: 1, mix: { write: 1, cas: 1 } });
    const rng = new Rng(1);
    let last: unknown = null;
    for (let i = 0; i < 100; i++) {
      const op = g.next(rng);
      if (op.f === 'cas') {
        expect(op.value[0]).toEqual(last);
        last = op.value[1];
      } else if (op.f === 'write') last = op.value;
    }
  });

  it('is deterministic for a seed', () => {
    expect(draw({ keyDistribution: 'zipfian', mix: { read: 1, write: 1, cas: 1 } }, 500)).toEqual(
      draw({ keyDistribution: 'zipfian', mix: { read: 1, write: 1, cas: 1 } }, 500),
    );
  });
});
