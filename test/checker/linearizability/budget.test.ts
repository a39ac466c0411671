import { checkLinearizability, REGISTER } from '../../../src/checker/linearizability';
import { history, read, write, type Span } from './spans';

/** Many concurrent writes and a read that none of them explains: a worst case for the search. */
function hopeless(writers: number): Span[] {
  const spans = Array.from({ length: writers }, (_, p) => write(p, p + 1, 0, 100));
  return [...spans, read(writers, 0, 0, 100)];
}

describe('budget', () => {
  it('gives unknown after maxSteps, and the same steps every time', () => {
    const h = history(...hopeless(14));
    const a = checkLinearizability(h, REGISTER, { maxSteps: 5000 });
    const b = checkLinearizability(h, REGISTER, { maxSteps: 5000 });
    expect([a.verdict, a.steps]).toEqual(['unknown', 5000]);
    expect(b.steps).toBe(a.steps);
    expect(a.witness).toBeUndefined();
  });

  it('gives unknown when the clock passes the time limit', () => {
    let now = 0;
    // Each clock reading advances a fake clock by 1 ms.
    const clock = (): number => now++;
    const result = checkLinearizability(history(...hopeless(14)), REGISTER, {
      timeLimitMs: 3,
      clock,
    });
    expect(result.verdict).toBe('unknown');
  });

  it('leaves the keys it could not reach unknown', () => {
    const keyed = (key: string, offset: number): Span[] =>
      hopeless(12).map((s) => ({ ...s, key, process: s.process + offset }));
    const result = checkLinearizability(history(...keyed('a', 0), ...keyed('b', 100)), REGISTER, {
      maxSteps: 1000,
    });
    expect(result.partitions.map((p) => [p.key, p.verdict, p.steps])).toEqual([
      ['a', 'unknown', 1000],
      ['b', 'unknown', 0],
    ]);
  });

  it('finishes the hopeless case with the verdict when given the time', () => {
    const result = checkLinearizability(history(...hopeless(10)), REGISTER);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.witness?.cannotLinearize.op).toBe('read() → 0');
  });
});
