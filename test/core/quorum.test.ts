import { asNodeId, type NodeId } from '../../src/core/ids';
import { committedIndex, hasMajority, majority, voteResult } from '../../src/core/quorum';

const ids = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => asNodeId(`n${i + 1}`));

/** Every assignment of values from `domain` (undefined = absent) to `n` voters. */
function* assignments<T>(n: number, domain: readonly T[]): Generator<T[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const rest of assignments(n - 1, domain)) for (const x of domain) yield [...rest, x];
}

describe('majority', () => {
  it('is ⌊n/2⌋ + 1', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(majority)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(hasMajority(2, 3)).toBe(true);
    expect(hasMajority(2, 4)).toBe(false);
    expect(() => majority(-1)).toThrow(RangeError);
    expect(() => majority(2.5)).toThrow(RangeError);
  });
});

describe('committedIndex', () => {
  it('is +Infinity for an empty configuration (no constraint), as etcd', () => {
    expect(committedIndex([], () => 5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('agrees with the definition for every assignment of indexes 0..4 to up to 6 voters', () => {
    // Definition: the largest i such that a majority of voters acked ≥ i (absent = 0).
    const domain = [undefined, 0, 1, 2, 3, 4];
    let cases = 0;
    const wrong: (number | undefined)[][] = [];
    for (let n = 1; n <= 6; n++) {
      const voters = ids(n);
      for (const acks of assignments(n, domain)) {
        const acked = new Map(voters.map((v, i) => [v, acks[i]]));
        let expected = 0;
        for (let i = 0; i <= 4; i++) {
          const count = acks.filter((a) => (a ?? 0) >= i).length;
          if (count >= majority(n)) expected = i;
        }
        if (committedIndex(voters, (v) => acked.get(v)) !== expected) wrong.push(acks);
        cases++;
      }
    }
    expect(wrong).toEqual([]);
    expect(cases).toBe(6 + 36 + 216 + 1296 + 7776 + 46656);
  });

  it('reads like etcd’s examples', () => {
    const v = ids(5);
    const idx = [10, 9, 8, 2, 1];
    expect(committedIndex(v, (x) => idx[v.indexOf(x)])).toBe(8);
    expect(committedIndex(ids(3), (x) => (x === 'n1' ? 7 : undefined))).toBe(0);
  });
});

describe('voteResult', () => {
  it('agrees with the definition for every yes/no/missing assignment to up to 7 voters', () => {
    const wrong: (boolean | undefined)[][] = [];
    for (let n = 0; n <= 7; n++) {
      const voters = ids(n);
      for (const votes of assignments(n, [undefined, true, false])) {
        const yes = votes.filter((x) => x === true).length;
        const no = votes.filter((x) => x === false).length;
        const q = majority(n);
        const expected = n === 0 || yes >= q ? 'won' : n - no >= q ? 'pending' : 'lost';
        if (voteResult(voters, (v) => votes[voters.indexOf(v)]) !== expected) wrong.push(votes);
      }
    }
    expect(wrong).toEqual([]);
  });
});
