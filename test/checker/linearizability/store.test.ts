import { checkLinearizability, defaultModel, STORE } from '../../../src/checker/linearizability';
import { history, read, write, type Span } from './spans';

const append = (process: number, value: number, from: number, to: number | null): Span => ({
  process,
  f: 'append',
  value,
  from,
  to,
  key: 'l',
});
const increment = (
  process: number,
  by: number,
  from: number,
  to: number | null,
  total?: number,
): Span => ({ process, f: 'increment', value: by, from, to, key: 'c', result: total });
const onKey = (s: Span, key: string): Span => ({ ...s, key });

describe('store model (registers, counters and lists, as replicas keep them)', () => {
  it('is the default for a geolab history with counters or lists beside registers', () => {
    const h = history(onKey(write(0, 1, 0, 1), 'k'), append(0, 2, 2, 3));
    expect(defaultModel(h, 'jsonl').name).toBe('store');
    expect(defaultModel(history(append(0, 2, 2, 3)), 'jsonl').name).toBe('kv');
  });

  /** Two concurrent appends, then two readers one after the other. */
  const concurrentAppends = (first: number[], second: number[]) =>
    history(
      append(0, 1, 0, 10),
      append(1, 2, 0, 10),
      onKey(read(2, first, 11, 12), 'l'),
      onKey(read(3, second, 13, 14), 'l'),
    );

  it('accepts a list read that holds every acknowledged append in one order', () => {
    const h = concurrentAppends([2, 1], [2, 1]);
    expect(checkLinearizability(h, STORE).verdict).toBe('linearizable');
  });

  it('refuses a read that lost an acknowledged append, or two readers disagreeing on order', () => {
    const lost = history(append(0, 1, 0, 1), append(1, 2, 2, 3), onKey(read(2, [2], 4, 5), 'l'));
    expect(checkLinearizability(lost, STORE).verdict).toBe('not-linearizable');
    const orders = concurrentAppends([1, 2], [2, 1]);
    expect(checkLinearizability(orders, STORE).verdict).toBe('not-linearizable');
  });

  it('adds increments up, checking the totals they return', () => {
    const ok = history(
      increment(0, 1, 0, 1, 1),
      increment(1, 2, 2, 3, 3),
      onKey(read(2, 3, 4, 5), 'c'),
    );
    expect(checkLinearizability(ok, STORE).verdict).toBe('linearizable');
    const lost = history(
      increment(0, 1, 0, 1, 1),
      increment(1, 2, 2, 3, 2),
      onKey(read(2, 2, 4, 5), 'c'),
    );
    expect(checkLinearizability(lost, STORE).verdict).toBe('not-linearizable');
  });

  it('lets an unknown append take effect or not, and drops it when no read saw it', () => {
    const seen = history({ ...append(0, 1, 0, 1), type: 'info' }, onKey(read(1, [1], 5, 6), 'l'));
    expect(checkLinearizability(seen, STORE).verdict).toBe('linearizable');
    // Many unknown appends nobody read: pruned, so the search stays small.
    const spans: Span[] = [];
    for (let i = 0; i < 200; i++) spans.push({ ...append(i, 1000 + i, i, i + 1), type: 'info' });
    spans.push(append(500, 1, 300, 301), onKey(read(501, [1], 302, 303), 'l'));
    const result = checkLinearizability(history(...spans), STORE, { timeLimitMs: 5000 });
    expect(result.verdict).toBe('linearizable');
  });
});
