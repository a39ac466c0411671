import type { SnapshotState } from '../../../../src/modes/single-leader/raft/messages';
import {
  joinSnapshotState,
  SnapshotAssembly,
  splitSnapshotState,
} from '../../../../src/modes/single-leader/raft/snapshot-parts';

// Snapshots in parts: every part under the budget, and the whole state back, in order.
const STATE: SnapshotState = {
  data: Array.from({ length: 500 }, (_, i) => [`w${i >> 5}:k${i}`, i * 7] as const),
  outcomes: Array.from(
    { length: 100 },
    (_, i) => [`c1:${i}` as never, { type: 'ok', id: `c1:${i}` as never, value: i }] as const,
  ),
};

describe('snapshot parts', () => {
  it('cuts a state into parts under the budget and joins them back unchanged', () => {
    const parts = splitSnapshotState(STATE, 1000);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(JSON.stringify(p).length).toBeLessThan(1100);
    expect(joinSnapshotState(parts)).toEqual(STATE);
  });

  it('sends an empty state as one part, and a pair over the budget alone', () => {
    expect(splitSnapshotState({ data: [], outcomes: [] }, 10)).toEqual([
      { data: [], outcomes: [] },
    ]);
    const big: SnapshotState = {
      data: [
        ['a', 'x'.repeat(100)],
        ['b', 1],
      ],
      outcomes: [],
    };
    expect(splitSnapshotState(big, 50).map((p) => p.data.length)).toEqual([1, 1]);
  });

  it('assembles parts in any order, once each, and starts over for another snapshot', () => {
    const parts = splitSnapshotState(STATE, 2000);
    const a = new SnapshotAssembly();
    const order = parts.map((_, i) => i).reverse();
    let whole: SnapshotState | undefined;
    for (const i of order.slice(0, -1))
      expect(a.add('3/100/2', i, parts.length, parts[i])).toBeUndefined();
    // A duplicate is ignored; a part of a newer snapshot throws away what was gathered.
    expect(a.add('3/100/2', order[0], parts.length, parts[order[0]])).toBeUndefined();
    expect(a.add('4/200/4', 0, 2, parts[0])).toBeUndefined();
    expect(a.add('4/200/4', 1, 2, parts[1])).toEqual(joinSnapshotState(parts.slice(0, 2)));
    for (const [i, p] of parts.entries()) whole = a.add('5/300/5', i, parts.length, p) ?? whole;
    expect(whole).toEqual(STATE);
  });
});
