import { findLostIncrements } from '../../../src/checker/staleness';
import { history, type Span } from '../linearizability/spans';

const inc = (
  process: number,
  key: string,
  from: number,
  to: number | null,
  type: Span['type'] = 'ok',
): Span => ({
  process,
  f: 'increment',
  key,
  value: 1,
  from,
  to,
  type,
});
const readKey = (process: number, key: string, result: number, from: number): Span => ({
  process,
  f: 'read',
  key,
  value: null,
  result,
  from,
  to: from + 1,
});

describe('lost increments', () => {
  it('finds none when the counter ends at the acknowledged sum', () => {
    const h = history(inc(0, 'c', 0, 5), inc(1, 'c', 1, 6), readKey(2, 'c', 2, 10));
    expect(findLostIncrements(h)).toMatchObject({ verdict: 'ok', lost: 0, acknowledged: 2 });
  });

  it('counts what a read-modify-write counter dropped', () => {
    const h = history(
      inc(0, 'c', 0, 5),
      inc(1, 'c', 1, 6),
      inc(0, 'c', 7, 8),
      readKey(2, 'c', 2, 10),
    );
    const r = findLostIncrements(h);
    expect(r).toMatchObject({ verdict: 'lost', lost: 1, acknowledged: 3 });
    expect(r.keys[0]).toMatchObject({ key: 'c', final: 2, lost: 1, excess: 0 });
  });

  it('lets increments of unknown outcome count or not, and flags more than was added', () => {
    const unknown = history(inc(0, 'c', 0, 5), inc(1, 'c', 1, 6, 'info'), readKey(2, 'c', 2, 10));
    expect(findLostIncrements(unknown)).toMatchObject({ verdict: 'ok', lost: 0 });
    const excess = history(inc(0, 'c', 0, 5), readKey(2, 'c', 3, 10));
    expect(findLostIncrements(excess).keys[0]).toMatchObject({ excess: 2 });
  });

  it('judges only reads after the last increment, and says when there is none', () => {
    const early = history(inc(0, 'c', 0, 5), readKey(1, 'c', 0, 2));
    expect(findLostIncrements(early)).toMatchObject({ verdict: 'unknown', lost: 0 });
  });
});
