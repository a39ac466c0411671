import { checkLinearizability, KV, REGISTER } from '../../../src/checker/linearizability';
import { HistoryError } from '../../../src/workload/history';
import { history, type Span } from './spans';

const op = (
  process: number,
  f: 'get' | 'put' | 'append',
  key: string,
  value: string | null,
  from: number,
  to: number | null,
  result?: string,
): Span => ({ process, f, key, value, from, to, ...(result === undefined ? {} : { result }) });

describe('kv model (Porcupine)', () => {
  it('starts every key empty, appends, and puts', () => {
    const h = history(
      op(0, 'get', 'a', null, 0, 1, ''),
      op(0, 'append', 'a', 'x', 2, 3),
      op(0, 'append', 'a', 'y', 4, 5),
      op(1, 'get', 'a', null, 6, 7, 'xy'),
      op(1, 'put', 'a', 'z', 8, 9),
      op(1, 'get', 'a', null, 10, 11, 'z'),
    );
    expect(checkLinearizability(h, KV).verdict).toBe('linearizable');
  });

  it('orders concurrent appends one way for every reader', () => {
    const appends = [op(0, 'append', 'a', 'x', 0, 10), op(1, 'append', 'a', 'y', 0, 10)];
    const reads = (first: string, second: string): Span[] => [
      op(2, 'get', 'a', null, 20, 30, first),
      op(3, 'get', 'a', null, 40, 50, second),
    ];
    expect(checkLinearizability(history(...appends, ...reads('yx', 'yx')), KV).verdict).toBe(
      'linearizable',
    );
    expect(checkLinearizability(history(...appends, ...reads('xy', 'yx')), KV).verdict).toBe(
      'not-linearizable',
    );
  });

  it('keeps keys independent and names the failing key in the witness', () => {
    const h = history(
      op(0, 'append', 'a', 'x', 0, 10),
      op(1, 'append', 'b', 'y', 0, 10),
      op(2, 'get', 'a', null, 20, 30, 'x'),
      op(3, 'get', 'b', null, 20, 30, 'x'),
    );
    const result = checkLinearizability(h, KV);
    expect(result.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ['a', 'linearizable'],
      ['b', 'not-linearizable'],
    ]);
    expect(result.witness).toMatchObject({ key: 'b', state: '"y"' });
    expect(result.witness?.cannotLinearize.op).toBe('get() → "x"');
  });

  it('lets a crashed append take effect later or never', () => {
    const crashed: Span = { ...op(0, 'append', 'a', 'x', 0, 1), type: 'info' };
    for (const seen of ['', 'x']) {
      const h = history(crashed, op(1, 'get', 'a', null, 50, 60, seen));
      expect(checkLinearizability(h, KV).verdict).toBe('linearizable');
    }
  });

  it('says which line holds an op the model cannot read', () => {
    const h = history(op(0, 'get', 'a', null, 0, 1, ''), {
      ...op(1, 'put', 'a', null, 2, 3),
      value: 7,
    });
    expect(() => checkLinearizability(h, KV)).toThrow(
      new HistoryError(3, 'kv values are strings, not 7'),
    );
    expect(() => checkLinearizability(h, REGISTER)).toThrow(
      new HistoryError(1, 'the register model has no function "get" (expected read, write or cas)'),
    );
  });
});
