import { vv, type VersionVector } from '../../../src/core/clocks';
import { asNodeId, type NodeId } from '../../../src/core/ids';
import { Rng } from '../../../src/core/random';

const [a, b, c] = ['a', 'b', 'c'].map(asNodeId);
const ctor = asNodeId('constructor');

function randomVector(rng: Rng, nodes: readonly NodeId[]): VersionVector {
  let v: VersionVector = vv.EMPTY;
  for (const node of nodes) for (let k = rng.below(3); k > 0; k--) v = vv.increment(v, node);
  return v;
}

const opposite = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' };

describe('version vectors', () => {
  it('compares by the happened-before partial order', () => {
    const x = vv.increment(vv.EMPTY, a);
    const y = vv.increment(x, b);
    const z = vv.increment(x, c);
    expect(vv.compare(vv.EMPTY, vv.EMPTY)).toBe('equal');
    expect(vv.compare(x, y)).toBe('before');
    expect(vv.compare(y, x)).toBe('after');
    expect(vv.compare(y, z)).toBe('concurrent');
    expect(vv.merge(y, z)).toEqual({ a: 1, b: 1, c: 1 });
    expect(vv.dominates(y, x)).toBe(true);
    expect(vv.dominates(x, x)).toBe(true);
    expect(vv.dominates(y, z)).toBe(false);
  });

  it('treats missing entries as 0 and keeps canonical form', () => {
    expect(vv.compare({ [a]: 0 } as VersionVector, vv.EMPTY)).toBe('equal');
    expect(vv.normalize({ [b]: 2, [a]: 0, [c]: 1 } as VersionVector)).toEqual({ b: 2, c: 1 });
    expect(Object.keys(vv.merge({ [c]: 1 } as VersionVector, { [a]: 1 } as VersionVector))).toEqual(
      ['a', 'c'],
    );
    expect(JSON.stringify(vv.increment(vv.increment(vv.EMPTY, c), a))).toBe('{"a":1,"c":1}');
  });

  it('does not read inherited properties for a node named like one', () => {
    expect(vv.get(vv.EMPTY, ctor)).toBe(0);
    expect(vv.increment(vv.EMPTY, ctor)).toEqual({ constructor: 1 });
    expect(vv.compare(vv.EMPTY, vv.increment(vv.EMPTY, ctor))).toBe('before');
  });

  it('validates received vectors', () => {
    expect(vv.isVersionVector({ a: 1, b: 0 })).toBe(true);
    expect(vv.isVersionVector({})).toBe(true);
    for (const bad of [null, [], 3, { a: -1 }, { a: 1.5 }, { a: '1' }, { '': 1 }, { _x: 1 }]) {
      expect(vv.isVersionVector(bad)).toBe(false);
    }
    expect(vv.isVersionVector(JSON.parse('{"__proto__": 1}'))).toBe(false);
  });

  describe('properties over 2,000 seeded random pairs', () => {
    const rng = new Rng('version-vector-properties');
    const nodes = [a, b, c, ctor];
    const pairs = Array.from({ length: 2000 }, () => [
      randomVector(rng, nodes),
      randomVector(rng, nodes),
      randomVector(rng, nodes),
    ]);

    it('compare is antisymmetric and agrees with dominates', () => {
      for (const [x, y] of pairs) {
        expect(vv.compare(y, x)).toBe(opposite[vv.compare(x, y)]);
        expect(vv.dominates(x, y) && vv.dominates(y, x)).toBe(vv.compare(x, y) === 'equal');
      }
    });

    it('compare is transitive', () => {
      for (const [x, y, z] of pairs) {
        if (vv.compare(x, y) === 'before' && vv.compare(y, z) === 'before') {
          expect(vv.compare(x, z)).toBe('before');
        }
      }
    });

    it('merge is the least upper bound: commutative, associative, idempotent', () => {
      for (const [x, y, z] of pairs) {
        const m = vv.merge(x, y);
        expect(vv.dominates(m, x) && vv.dominates(m, y)).toBe(true);
        // Any upper bound of x and y dominates their merge.
        const upper = vv.merge(m, z);
        expect(vv.dominates(upper, m)).toBe(true);
        if (vv.dominates(z, x) && vv.dominates(z, y)) expect(vv.dominates(z, m)).toBe(true);
        expect(vv.merge(y, x)).toEqual(m);
        expect(vv.merge(vv.merge(x, y), z)).toEqual(vv.merge(x, vv.merge(y, z)));
        expect(vv.merge(x, x)).toEqual(vv.normalize(x));
      }
    });

    it('increment moves strictly after, and is never concurrent with its origin', () => {
      for (const [x] of pairs) {
        const node = nodes[rng.below(nodes.length)];
        expect(vv.compare(x, vv.increment(x, node))).toBe('before');
        expect(vv.get(vv.increment(x, node), node)).toBe(vv.get(x, node) + 1);
      }
    });
  });
});
