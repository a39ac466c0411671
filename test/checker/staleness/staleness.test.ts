import { measureStaleness } from '../../../src/checker/staleness';
import { history, read, write } from '../linearizability/spans';
import { simulateRegister } from '../linearizability/simulate';

describe('staleness (PBS k-staleness and t-visibility)', () => {
  it('counts the versions that certainly superseded the value read, and for how long', () => {
    const h = history(
      write(0, 1, 0, 10),
      write(0, 2, 20, 30),
      write(1, 3, 32, 40),
      read(2, 1, 50, 55), // 2 and 3 were both invoked after 1 completed: 2 behind
      read(2, 3, 60, 62), // fresh
      read(3, null, 70, 71), // the initial value, after 3 acknowledged writes
    );
    const { reads, summary } = measureStaleness(h);
    expect(reads.map((r) => [r.versionsBehind, r.msAfterNewest, r.staleForMs])).toEqual([
      [2, 10, 20],
      [0, 20, null],
      [3, 30, 60],
    ]);
    expect(reads[0].read).toMatchObject({ process: 2, invokeLine: 7, invokedAt: 50 });
    expect(reads[0].observed).toMatchObject({ op: 'write(1)', invokedAt: 0 });
    expect(summary).toMatchObject({ reads: 3, stale: 2, versionsBehind: { 0: 1, 2: 1, 3: 1 } });
    expect(summary.staleFraction).toBeCloseTo(2 / 3);
  });

  it('never calls a read stale for a write concurrent with the value it returned', () => {
    const h = history(write(0, 1, 0, 20), write(1, 2, 5, 10), read(2, 1, 30, 31));
    expect(measureStaleness(h).reads[0].versionsBehind).toBe(0);
  });

  it('gives t-visibility: the least delay after which reads were fresh with probability p', () => {
    const h = history(
      write(0, 1, 0, 10),
      read(1, null, 11, 12), // 1ms after: stale
      read(1, 1, 15, 16), // 5ms after: fresh
      read(1, 1, 20, 21), // 10ms: fresh
    );
    const { summary } = measureStaleness(h);
    expect(summary.tVisibility).toEqual([
      { p: 0.5, ms: 1 },
      { p: 0.9, ms: 5 },
      { p: 0.99, ms: 5 },
      { p: 0.999, ms: 5 },
    ]);
  });

  it('finds no stale read in linearizable histories', () => {
    for (const seed of [1, 2, 3, 4]) {
      expect(measureStaleness(simulateRegister(seed, 5, 40).history).summary.stale).toBe(0);
    }
  });

  it('skips keys whose values repeat, and measures the others', () => {
    const result = measureStaleness(
      history(
        { ...write(0, 1, 0, 1), key: 'a' },
        { ...write(1, 1, 2, 3), key: 'a' },
        { ...read(1, 1, 4, 5), key: 'a' },
        { ...write(0, 1, 6, 7), key: 'b' },
        { ...read(1, 1, 8, 9), key: 'b' },
      ),
    );
    expect(result.verdict).toBe('measured');
    expect(result.skipped).toEqual([
      { key: '"a"', reason: '1 is written twice or is the initial value (line 3)' },
    ]);
    expect(result.reads.map((r) => r.read.op)).toEqual(['read("b") → 1']);
  });
});
