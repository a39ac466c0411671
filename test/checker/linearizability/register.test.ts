import { CAS_REGISTER, checkLinearizability, REGISTER } from '../../../src/checker/linearizability';
import { cas, history, read, write, type Span } from './spans';

const verdict = (...spans: Span[]): string =>
  checkLinearizability(history(...spans), REGISTER).verdict;

describe('register model: classic histories', () => {
  it('accepts an empty history and reads of a never-written register as null', () => {
    expect(verdict()).toBe('linearizable');
    expect(verdict(read(0, null, 0, 1))).toBe('linearizable');
    expect(verdict(read(0, 1, 0, 1))).toBe('not-linearizable');
  });

  it('rejects a stale read: a read that begins after a write completed sees the old value', () => {
    expect(verdict(write(0, 1, 0, 10), write(0, 2, 20, 30), read(1, 1, 40, 50))).toBe(
      'not-linearizable',
    );
    expect(verdict(write(0, 1, 0, 10), write(0, 2, 20, 30), read(1, 2, 40, 50))).toBe(
      'linearizable',
    );
  });

  it('accepts a read concurrent with a write returning either the old or the new value', () => {
    for (const seen of [1, 2]) {
      expect(verdict(write(0, 1, 0, 10), write(0, 2, 20, 40), read(1, seen, 25, 35))).toBe(
        'linearizable',
      );
    }
  });

  it('rejects a new-old inversion: a later read sees an older value than an earlier one', () => {
    // Both reads overlap the write of 2, but the first sees 2 and completes before the second,
    // which then sees 1 (Herlihy & Wing's canonical non-linearizable register history).
    const spans = [write(0, 1, 0, 5), write(0, 2, 10, 100), read(1, 2, 20, 30), read(2, 1, 40, 50)];
    expect(verdict(...spans)).toBe('not-linearizable');
    // Swapping what the two reads saw is fine: 1 then 2.
    const swapped = [
      write(0, 1, 0, 5),
      write(0, 2, 10, 100),
      read(1, 1, 20, 30),
      read(2, 2, 40, 50),
    ];
    expect(verdict(...swapped)).toBe('linearizable');
  });

  it('accepts concurrent writes in either order, then rejects a flip-flop', () => {
    const writes = [write(0, 1, 0, 10), write(1, 2, 0, 10)];
    expect(verdict(...writes, read(2, 1, 20, 30))).toBe('linearizable');
    expect(verdict(...writes, read(2, 2, 20, 30))).toBe('linearizable');
    expect(verdict(...writes, read(2, 2, 20, 30), read(3, 1, 40, 50))).toBe('not-linearizable');
  });

  it('treats equal invoke and complete times as concurrent (Porcupine)', () => {
    expect(verdict(write(0, 1, 0, 10), read(1, null, 10, 20))).toBe('linearizable');
    expect(verdict(write(0, 1, 0, 10), read(1, null, 11, 20))).toBe('not-linearizable');
  });
});

describe('register model: cas', () => {
  it('swaps only from the expected value', () => {
    expect(verdict(write(0, 1, 0, 10), cas(0, 1, 2, 20, 30), read(1, 2, 40, 50))).toBe(
      'linearizable',
    );
    expect(verdict(write(0, 1, 0, 10), cas(0, 3, 2, 20, 30))).toBe('not-linearizable');
  });

  it('rejects a lost cas: two cas from the same value both succeed', () => {
    const both = [write(0, 0, 0, 5), cas(1, 0, 1, 10, 20), cas(2, 0, 2, 10, 20)];
    expect(verdict(...both)).toBe('not-linearizable');
    expect(verdict(both[0], both[1], { ...cas(2, 0, 2, 10, 20), type: 'fail' })).toBe(
      'linearizable',
    );
  });

  it('drops a plain fail, but keeps a cas-mismatch as an observation', () => {
    const mismatch = { ...cas(1, 1, 5, 20, 30), type: 'fail' as const, error: 'cas-mismatch' };
    // The register holds 1 throughout, so a mismatch against 1 is impossible...
    expect(verdict(write(0, 1, 0, 10), mismatch)).toBe('not-linearizable');
    // ...while the same op as a plain fail took no effect and constrains nothing.
    expect(verdict(write(0, 1, 0, 10), { ...mismatch, error: 'timed-out' })).toBe('linearizable');
    // A mismatch against another value is fine and leaves the register alone.
    const other = { ...cas(1, 7, 5, 20, 30), type: 'fail' as const, error: 'cas-mismatch' };
    expect(verdict(write(0, 1, 0, 10), other, read(2, 1, 40, 50))).toBe('linearizable');
  });
});

describe('register model: info ops may or may not take effect, at any later time', () => {
  const infoWrite = (value: number, from: number): Span => ({
    ...write(9, value, from, from + 1),
    type: 'info',
  });

  it('lets a crashed write take effect long after its process gave up', () => {
    expect(
      verdict(write(0, 1, 0, 10), infoWrite(2, 20), read(1, 1, 100, 110), read(1, 2, 200, 210)),
    ).toBe('linearizable');
  });

  it('lets a crashed write never take effect', () => {
    expect(verdict(write(0, 1, 0, 10), infoWrite(2, 20), read(1, 1, 100, 110))).toBe(
      'linearizable',
    );
  });

  it('never lets it take effect before its invocation, or twice', () => {
    expect(verdict(read(1, 2, 0, 10), infoWrite(2, 20))).toBe('not-linearizable');
    expect(
      verdict(
        write(0, 1, 0, 5),
        infoWrite(2, 10),
        read(1, 2, 20, 30),
        read(1, 1, 40, 50),
        read(1, 2, 60, 70),
      ),
    ).toBe('not-linearizable');
  });

  it('treats an op never completed as info', () => {
    expect(verdict(write(0, 1, 0, 10), write(2, 2, 20, null), read(1, 2, 100, 110))).toBe(
      'linearizable',
    );
  });

  it('lets a crashed cas take effect only where it would have matched', () => {
    const crashedCas: Span = { ...cas(9, 1, 3, 20, 21), type: 'info' };
    expect(verdict(write(0, 1, 0, 10), crashedCas, read(1, 3, 100, 110))).toBe('linearizable');
    expect(verdict(write(0, 5, 0, 10), crashedCas, read(1, 3, 100, 110))).toBe('not-linearizable');
  });
});

describe('cas-register (Knossos) semantics', () => {
  it('starts at 0 and accepts a nil read anywhere', () => {
    const h = history(read(0, 0, 0, 1), write(0, 4, 2, 3), read(1, null, 4, 5));
    expect(checkLinearizability(h, CAS_REGISTER).verdict).toBe('linearizable');
    expect(checkLinearizability(h, REGISTER).verdict).toBe('not-linearizable');
  });
});

describe('P-compositionality', () => {
  it('checks each key alone and reports the failing one', () => {
    const h = history(
      { ...write(0, 1, 0, 10), key: 'a' },
      { ...write(1, 2, 0, 10), key: 'b' },
      { ...read(2, 2, 20, 30), key: 'a' },
      { ...read(3, 2, 20, 30), key: 'b' },
    );
    const result = checkLinearizability(h, REGISTER);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ['a', 'not-linearizable'],
      ['b', 'linearizable'],
    ]);
    expect(result.witness?.key).toBe('a');
  });
});
