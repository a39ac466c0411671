import {
  acksNeeded,
  CONSISTENCY_LEVELS,
  countRequirement,
  isMet,
  requirementOf,
  totalAcks,
  type ConsistencyLevel,
} from '../../src/core/consistency';

/** Cassandra's documented arithmetic, written independently of the module under test. */
function documented(level: ConsistencyLevel, rf: Map<string, number>, local: string): number {
  const n = [...rf.values()].reduce((a, b) => a + b, 0);
  const q = (k: number) => Math.floor(k / 2) + 1;
  const table: Record<ConsistencyLevel, number> = {
    ANY: 1,
    ONE: 1,
    TWO: 2,
    THREE: 3,
    QUORUM: q(n),
    ALL: n,
    LOCAL_ONE: 1,
    LOCAL_QUORUM: q(rf.get(local) ?? 0),
    EACH_QUORUM: [...rf.values()].filter((k) => k > 0).reduce((s, k) => s + q(k), 0),
  };
  return table[level];
}

/** Every replication-factor map over regions a, b, c with 0..3 replicas each. */
function* factors(): Generator<Map<string, number>> {
  for (let a = 0; a <= 3; a++)
    for (let b = 0; b <= 3; b++)
      for (let c = 0; c <= 3; c++)
        yield new Map([
          ['a', a],
          ['b', b],
          ['c', c],
        ]);
}

describe('consistency levels', () => {
  it('need what Cassandra documents, for every level, factor map and local region', () => {
    for (const rf of factors())
      for (const local of ['a', 'b', 'c'])
        for (const level of CONSISTENCY_LEVELS)
          expect({ level, rf: [...rf], local, n: acksNeeded(level, rf, local) }).toEqual({
            level,
            rf: [...rf],
            local,
            n: documented(level, rf, local),
          });
  });

  it('count LOCAL_* acknowledgements only from the local region', () => {
    const rf = new Map([
      ['a', 3],
      ['b', 3],
    ]);
    const req = requirementOf('LOCAL_QUORUM', rf, 'a');
    expect(isMet(req, ['b', 'b', 'b'])).toBe(false);
    expect(isMet(req, ['a', 'b'])).toBe(false);
    expect(isMet(req, ['a', 'a'])).toBe(true);
  });

  it('meet EACH_QUORUM only with a majority in every region holding replicas', () => {
    const rf = new Map([
      ['a', 3],
      ['b', 2],
      ['c', 0],
    ]);
    const req = requirementOf('EACH_QUORUM', rf, 'c');
    expect(totalAcks(req)).toBe(4);
    expect(isMet(req, ['a', 'a', 'a', 'b'])).toBe(false);
    expect(isMet(req, ['a', 'a', 'b', 'b'])).toBe(true);
  });

  it('meet a count requirement with any replicas, for every count and answer set', () => {
    for (let count = 1; count <= 5; count++) {
      const req = countRequirement(count);
      for (let answers = 0; answers <= 5; answers++) {
        const regions = Array.from({ length: answers }, (_, i) => 'abc'[i % 3]);
        expect(isMet(req, regions)).toBe(answers >= count);
      }
    }
    expect(() => countRequirement(0)).toThrow(RangeError);
  });

  it('make ANY the one level where hints count', () => {
    const rf = new Map([['a', 3]]);
    for (const level of CONSISTENCY_LEVELS) {
      const req = requirementOf(level, rf, 'a');
      expect({ level, hints: req.kind === 'anywhere' && req.hintsCount }).toEqual({
        level,
        hints: level === 'ANY',
      });
    }
  });
});
