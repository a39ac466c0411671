import { vv } from '../../../src/core/clocks';
import { asNodeId } from '../../../src/core/ids';
import type { Json } from '../../../src/core/json';
import { Rng } from '../../../src/core/random';
import {
  cellDigest,
  mergeCells,
  readCell,
  readValue,
  updateSiblings,
  type Cell,
  type LwwCell,
  type SiblingCell,
} from '../../../src/modes/leaderless/cell';
import { ShapeError } from '../../../src/core/messages/shape';
import { compareStamps, Stamper } from '../../../src/modes/leaderless/timestamps';

const A = asNodeId('a');
const B = asNodeId('b');
const C = asNodeId('c');

/** Cells reachable by replicas minting with random read contexts and merging at random. */
function siblingStates(seed: number): SiblingCell[] {
  const rng = new Rng(seed);
  const nodes = [A, B, C];
  const state = new Map<string, SiblingCell | undefined>(nodes.map((n) => [n, undefined]));
  const seen: SiblingCell[] = [];
  let value = 0;
  for (let step = 0; step < 60; step++) {
    const n = nodes[rng.below(3)];
    const other = nodes[rng.below(3)];
    const mine = state.get(n);
    if (rng.next() < 0.5) {
      // A client read `other`'s state (or nothing) and writes through n.
      const context = rng.next() < 0.3 ? vv.EMPTY : (state.get(other)?.vv ?? vv.EMPTY);
      state.set(n, updateSiblings(mine, context, n, ++value));
    } else {
      const theirs = state.get(other);
      if (theirs !== undefined)
        state.set(n, mine === undefined ? theirs : (mergeCells(mine, theirs) as SiblingCell));
    }
    const now = state.get(n);
    if (now !== undefined) seen.push(now);
  }
  return seen;
}

function lwwStates(seed: number): LwwCell[] {
  const rng = new Rng(seed);
  const stampers = [A, B, C].map((n) => new Stamper('wall', n));
  return Array.from({ length: 40 }, () => ({
    v: rng.below(5),
    ts: stampers[rng.below(3)].next(rng.below(4)),
  }));
}

const d = (c: Cell) => cellDigest(c);

describe('cells merge as a join-semilattice', () => {
  for (const [name, states] of [
    ['last-write-wins', lwwStates(1)],
    ['siblings', siblingStates(1).concat(siblingStates(2))],
  ] as const) {
    it(`${name}: commutative, associative and idempotent over reachable cells`, () => {
      const cells: readonly Cell[] = states;
      const bad: string[] = [];
      for (const x of cells.slice(0, 25))
        for (const y of cells.slice(0, 25)) {
          if (d(mergeCells(x, y)) !== d(mergeCells(y, x))) bad.push(`comm ${d(x)} ${d(y)}`);
          if (d(mergeCells(x, x)) !== d(x)) bad.push(`idem ${d(x)}`);
          for (const z of cells.slice(0, 10)) {
            const left = mergeCells(mergeCells(x, y), z);
            const right = mergeCells(x, mergeCells(y, z));
            if (d(left) !== d(right)) bad.push(`assoc ${d(x)} ${d(y)} ${d(z)}`);
          }
        }
      expect(bad).toEqual([]);
    });
  }
});

describe('last-write-wins', () => {
  it('keeps the greater stamp, whatever the value, and ties on the greater value', () => {
    const early: LwwCell = { v: 'late-arriving but older', ts: [100, 0, A] };
    const late: LwwCell = { v: 'newer', ts: [200, 0, B] };
    expect(mergeCells(early, late)).toBe(late);
    expect(mergeCells(late, early)).toBe(late);
    expect(readValue(mergeCells({ v: 1, ts: [5, 0, A] }, { v: 2, ts: [5, 0, A] }))).toBe(2);
  });

  it('stamps one node’s writes increasingly even when its clock stands still or steps back', () => {
    const s = new Stamper('wall', A);
    const stamps = [s.next(10), s.next(10), s.next(5), s.next(11)];
    for (let i = 1; i < stamps.length; i++)
      expect(compareStamps(stamps[i - 1], stamps[i])).toBeLessThan(0);
  });

  it('with a hybrid clock, stamps past what it observed; a wall clock ignores it', () => {
    const hlc = new Stamper('hlc', A);
    hlc.observe([5000, 3, B], 100);
    expect(compareStamps(hlc.next(100), [5000, 3, B])).toBeGreaterThan(0);
    const wall = new Stamper('wall', A);
    wall.observe([5000, 3, B], 100);
    expect(wall.next(100)[0]).toBe(100);
  });
});

describe('siblings (dotted version vector sets)', () => {
  it('keeps concurrent blind writes as siblings, and a write with their context replaces both', () => {
    const a = updateSiblings(undefined, vv.EMPTY, A, 1);
    const b = updateSiblings(undefined, vv.EMPTY, B, 2);
    const both = mergeCells(a, b) as SiblingCell;
    expect(readValue(both)).toEqual([1, 2]);
    const resolved = updateSiblings(both, both.vv, A, 3);
    expect(readValue(resolved)).toBe(3);
    // A replica that still holds only b learns that b was replaced, not that 3 is new beside it.
    expect(readValue(mergeCells(b, resolved))).toBe(3);
  });

  it('keeps a value the writer never read, even when minted by the same replica', () => {
    const first = updateSiblings(undefined, vv.EMPTY, A, 'seen');
    const other = updateSiblings(first, vv.EMPTY, A, 'unseen'); // a blind write, also at A
    const replaced = updateSiblings(other, first.vv, A, 'new'); // read only `first`
    expect(readValue(replaced)).toEqual(['new', 'unseen']);
  });

  it('reads as null when empty, the value when one, and the sorted values when several', () => {
    expect(readValue(undefined)).toBeNull();
    expect(readValue({ vv: {}, s: [] })).toBeNull();
    const three = mergeCells(
      mergeCells(updateSiblings(undefined, {}, C, 'z'), updateSiblings(undefined, {}, A, 'x')),
      updateSiblings(undefined, {}, B, 'y'),
    );
    expect(readValue(three)).toEqual(['x', 'y', 'z']);
  });
});

describe('reading cells from the wire', () => {
  it('accepts both kinds and refuses what is malformed', () => {
    expect(readCell({ v: 1, ts: [1, 0, 'a'] }, 'cell')).toEqual({ v: 1, ts: [1, 0, 'a'] });
    expect(readCell({ vv: { a: 2 }, s: [['a', 2, 'x']] }, 'cell')).toEqual({
      vv: { a: 2 },
      s: [['a', 2, 'x']],
    });
    const malformed: Json[] = [
      null,
      { v: 1 },
      { v: 1, ts: [1, 0] },
      { v: 1, ts: [-1, 0, 'a'] },
      { v: 1, ts: [1, 0, 'a'], extra: 1 },
      { vv: { a: 1 }, s: [['a', 2, 'x']] }, // a dot its vector has not seen
      {
        vv: { a: 2 },
        s: [
          ['a', 2, 'x'],
          ['a', 2, 'y'],
        ],
      }, // one dot twice
      { vv: { a: -1 }, s: [] },
      { vv: {}, s: [['a', 0, 'x']] },
    ];
    for (const bad of malformed) expect(() => readCell(bad, 'cell')).toThrow(ShapeError);
  });
});
