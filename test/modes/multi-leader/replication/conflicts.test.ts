import type { VersionVector } from '../../../../src/core/clocks';
import { asNodeId } from '../../../../src/core/ids';
import { ConflictDetector } from '../../../../src/modes/multi-leader/replication/conflicts';

const A = asNodeId('a');
const B = asNodeId('b');
const C = asNodeId('c');
/** A version vector written as a literal. */
const vec = (o: Record<string, number>): VersionVector => o as VersionVector;

describe('ConflictDetector', () => {
  it('finds a write concurrent with the one this replica holds', () => {
    const d = new ConflictDetector(false);
    expect(d.observe('k', A, 1, vec({}))).toEqual([]);
    expect(d.observe('k', B, 1, vec({}))).toEqual([{ origin: A, seq: 1 }]);
  });

  it('does not call a write that saw the other a conflict, nor the same origin twice', () => {
    const d = new ConflictDetector(false);
    d.observe('k', A, 1, vec({}));
    expect(d.observe('k', B, 3, vec({ a: 1 }))).toEqual([]);
    expect(d.observe('k', B, 4, vec({}))).toEqual([]);
  });

  it('counts every live sibling, and forgets those a later write saw', () => {
    const d = new ConflictDetector(false);
    d.observe('k', A, 1, vec({}));
    d.observe('k', B, 1, vec({}));
    expect(d.observe('k', C, 1, vec({}))).toHaveLength(2);
    expect(d.observe('k', A, 2, vec({ b: 1, c: 1 }))).toEqual([]);
    expect(d.observe('k', B, 2, vec({ a: 2, c: 1 }))).toEqual([]);
  });

  it('calls a late arrival that a held write had seen stale, not concurrent', () => {
    const d = new ConflictDetector(true);
    d.observe('k', B, 1, vec({ a: 1 }));
    expect(d.observe('k', A, 1, vec({}))).toEqual([]);
  });

  it('gives per-key contexts (without causal delivery), leaving out the origin itself', () => {
    const d = new ConflictDetector(true);
    d.observe('k', A, 3, vec({}));
    d.observe('k', B, 2, vec({}));
    d.observe('j', C, 9, vec({}));
    expect(d.contextOf('k', A)).toEqual({ b: 2 });
    expect(d.contextOf('k', C)).toEqual({ a: 3, b: 2 });
    expect(d.contextOf('none', A)).toEqual({});
  });

  it('survives save and restore', () => {
    const d = new ConflictDetector(true);
    d.observe('k', A, 1, vec({}));
    const copy = new ConflictDetector(true);
    copy.restore(d.save());
    expect(copy.observe('k', B, 1, vec({}))).toEqual([{ origin: A, seq: 1 }]);
    expect(copy.contextOf('k', C)).toEqual({ a: 1, b: 1 });
  });
});
