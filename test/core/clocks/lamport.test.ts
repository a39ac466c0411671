import { lamport } from '../../../src/core/clocks';
import { asNodeId } from '../../../src/core/ids';
import { Rng } from '../../../src/core/random';

describe('Lamport clocks', () => {
  it('tick and receive follow IR1 and IR2', () => {
    expect(lamport.tick(0)).toBe(1);
    expect(lamport.receive(3, 7)).toBe(8);
    expect(lamport.receive(9, 7)).toBe(10);
  });

  it('orders stamps by time, then node id', () => {
    const s = (time: number, node: string) => ({ time, node: asNodeId(node) });
    expect(lamport.compareStamps(s(1, 'b'), s(2, 'a'))).toBeLessThan(0);
    expect(lamport.compareStamps(s(2, 'a'), s(2, 'b'))).toBeLessThan(0);
    expect(lamport.compareStamps(s(2, 'b'), s(2, 'b'))).toBe(0);
    expect(lamport.isLamportTime(3)).toBe(true);
    expect(lamport.isLamportTime(-1)).toBe(false);
    expect(lamport.isLamportTime(1.5)).toBe(false);
  });

  it('preserves causality over a random message exchange: send < receipt', () => {
    const rng = new Rng('lamport');
    const clocks = [0, 0, 0, 0];
    const inFlight: { to: number; stamp: number }[] = [];
    for (let step = 0; step < 5000; step++) {
      const p = rng.below(clocks.length);
      if (inFlight.length > 0 && rng.next() < 0.5) {
        const m = inFlight.splice(rng.below(inFlight.length), 1)[0];
        const before = clocks[m.to];
        clocks[m.to] = lamport.receive(clocks[m.to], m.stamp);
        expect(clocks[m.to]).toBeGreaterThan(m.stamp);
        expect(clocks[m.to]).toBeGreaterThan(before);
      } else {
        clocks[p] = lamport.tick(clocks[p]);
        inFlight.push({ to: rng.below(clocks.length), stamp: clocks[p] });
      }
    }
  });
});
