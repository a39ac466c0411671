import { findLostWrites, measureConvergence } from '../../../src/checker/staleness';
import type { HistoryOp } from '../../../src/workload/history';
import { history, read, write, type Span } from '../linearizability/spans';

const nemesis = (f: string, time: number): HistoryOp => ({
  process: 'nemesis',
  type: 'info',
  f,
  value: null,
  time,
});

/** Events of spans with nemesis markers merged in by time. */
function withFaults(spans: Span[], faults: HistoryOp[]): HistoryOp[] {
  return [...history(...spans), ...faults].sort((a, b) => a.time - b.time);
}

const add = (process: number, element: number, from: number, to: number): Span => ({
  process,
  f: 'add',
  value: element,
  from,
  to,
});

describe('lost writes, the Jepsen way', () => {
  it('does not count overwritten register values as lost', () => {
    const h = withFaults(
      [write(0, 1, 0, 10), write(1, 2, 5, 15), write(0, 3, 20, 30), read(2, 3, 100, 101)],
      [nemesis('start-partition', 40), nemesis('heal', 90)],
    );
    expect(findLostWrites(h)).toMatchObject({ verdict: 'ok', acknowledged: 3, lost: [] });
  });

  it('reports acknowledged writes newer than what the final read returned', () => {
    const h = withFaults(
      [write(0, 1, 0, 10), write(1, 2, 20, 30), write(0, 3, 25, 35), read(2, 1, 100, 101)],
      [nemesis('start-partition', 15), nemesis('heal', 90)],
    );
    const result = findLostWrites(h);
    expect(result.verdict).toBe('lost');
    expect(result.lost.map((l) => [l.write.op, l.finalRead.op, l.finalWrite?.op])).toEqual([
      ['write(2)', 'read() → 1', 'write(1)'],
      ['write(3)', 'read() → 1', 'write(1)'],
    ]);
    expect(result.lastFault).toMatchObject({ f: 'heal', time: 90, healed: true });
  });

  it('requires every acknowledged element of a set in the final read', () => {
    const h = withFaults(
      [
        add(0, 1, 0, 5),
        add(1, 2, 6, 8),
        { ...add(1, 3, 9, 10), type: 'info' }, // unknown: may be missing
        { process: 2, f: 'read', value: null, result: [1, 3], from: 50, to: 51 },
      ],
      [nemesis('heal', 40)],
    );
    const result = findLostWrites(h);
    expect(result.lost.map((l) => l.write.op)).toEqual(['add(2)']);
  });

  it('is unknown without a read once the key is quiet', () => {
    const h = history(read(1, null, 0, 1), write(0, 1, 2, 3));
    expect(findLostWrites(h)).toMatchObject({ verdict: 'unknown', withoutFinalRead: ['null'] });
  });
});

describe('convergence after the last fault', () => {
  const regional = (span: Span, region: string): HistoryOp[] =>
    history(span).map((op) => ({ ...op, region }));

  it('measures when the last region settles on the final value', () => {
    const h = [
      ...regional(write(0, 1, 0, 10), 'eu'),
      nemesis('heal', 20),
      ...regional(read(1, 1, 21, 22), 'eu'),
      ...regional(read(2, null, 23, 24), 'us'),
      ...regional(read(2, 1, 40, 45), 'us'),
      ...regional(read(1, 1, 50, 51), 'eu'),
    ].sort((a, b) => a.time - b.time);
    const result = measureConvergence(h);
    expect(result.verdict).toBe('converged');
    expect(result.keys[0]).toMatchObject({ readers: ['eu', 'us'], value: 1, quietFrom: 20 });
    expect(result.convergenceMs).toBe(25);
  });

  it('reports regions that end with different values, with their last reads', () => {
    const h = [
      ...regional(write(0, 1, 0, 10), 'eu'),
      ...regional(write(3, 2, 11, 12), 'us'),
      nemesis('heal', 20),
      ...regional(read(1, 1, 21, 22), 'eu'),
      ...regional(read(2, 2, 23, 24), 'us'),
    ].sort((a, b) => a.time - b.time);
    const result = measureConvergence(h);
    expect(result.verdict).toBe('diverged');
    expect(result.keys[0].divergent?.map((r) => [r.op, r.invokeLine])).toEqual([
      ['read() → 1', 6],
      ['read() → 2', 8],
    ]);
  });
});
