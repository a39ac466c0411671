import type { VersionVector } from '../../../../src/core/clocks';
import { asNodeId, type NodeId } from '../../../../src/core/ids';
import { DeliveryBuffer } from '../../../../src/modes/multi-leader/replication/delivery';
import type { Update } from '../../../../src/modes/multi-leader/replication/update';

const A = asNodeId('a');
const B = asNodeId('b');
const C = asNodeId('c');
/** A version vector written as a literal. */
const vec = (o: Record<string, number>): VersionVector => o as VersionVector;

function update(origin: NodeId, seq: number, deps?: VersionVector): Update {
  return { origin, seq, at: 0, ops: 1, keys: ['k'], ...(deps ? { deps } : {}), payload: null };
}
const dots = (ds: { update: Update }[]): string[] =>
  ds.map((d) => `${d.update.origin}${d.update.seq}`);

describe('DeliveryBuffer', () => {
  it('delivers each origin in sequence order, once', () => {
    const b = new DeliveryBuffer(false, 100);
    expect(b.offer(update(A, 2), 0)).toBe('buffered');
    expect(b.hasGap(A)).toBe(true);
    expect(b.drain(0)).toEqual([]);
    b.offer(update(A, 1), 0);
    expect(b.offer(update(A, 1), 0)).toBe('duplicate');
    expect(dots(b.drain(0))).toEqual(['a1', 'a2']);
    expect(b.offer(update(A, 2), 0)).toBe('duplicate');
    expect(b.vector()).toEqual({ a: 2 });
    expect(b.hasGap(A)).toBe(false);
  });

  it('without causal delivery, applies an answer before its question', () => {
    const b = new DeliveryBuffer(false, 100);
    b.offer(update(B, 1, vec({ a: 1 })), 0);
    expect(dots(b.drain(0))).toEqual(['b1']);
  });

  it('with causal delivery, holds the answer until the question, and says how long', () => {
    const b = new DeliveryBuffer(true, 100);
    b.offer(update(B, 1, vec({ a: 1 })), 100);
    const seals: string[] = [];
    expect(b.drain(100, () => seals.push('seal'))).toEqual([]);
    expect(seals).toEqual([]);
    b.offer(update(A, 1), 350);
    const out = b.drain(400, () => seals.push('seal'));
    expect(dots(out)).toEqual(['a1', 'b1']);
    expect(out.map((d) => d.causalWaitMs)).toEqual([0, 300]);
    expect(seals).toEqual(['seal']);
  });

  it('follows a chain of dependencies across origins in one drain', () => {
    const b = new DeliveryBuffer(true, 100);
    b.offer(update(C, 1, vec({ b: 1 })), 0);
    b.offer(update(B, 1, vec({ a: 1 })), 0);
    b.offer(update(A, 1), 0);
    expect(dots(b.drain(0))).toEqual(['a1', 'b1', 'c1']);
  });

  it('refuses updates past its bound, and resumes from a snapshot vector', () => {
    const b = new DeliveryBuffer(false, 1);
    b.offer(update(A, 5), 0);
    expect(b.offer(update(A, 6), 0)).toBe('full');
    b.restore(vec({ a: 4 }));
    expect(b.hasNext(A)).toBe(true);
    expect(dots(b.drain(0))).toEqual(['a5']);
    expect(() => b.markApplied(A, 7)).toThrow(RangeError);
    b.markApplied(A, 6);
    expect(b.appliedSeq(A)).toBe(6);
  });
});
