import type { HistoryOp, Value } from '../../../src/workload/history';
import { history, type Span } from './spans';

/** mulberry32: a small seeded PRNG, so every generated history can be reproduced. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Simulated {
  readonly history: HistoryOp[];
  readonly spans: Span[];
}

/**
 * A history of clients of one atomic register: each op takes effect at one instant inside its
 * interval, in the order of those instants, so the history is linearizable by construction.
 * Written values are unique. Some cas ops find another value (a `cas-mismatch`), some ops fail
 * outright (no effect), and some crash (`info`): those take effect later, or never.
 */
export function simulateRegister(
  seed: number,
  processes: number,
  opsPerProcess: number,
): Simulated {
  const random = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  interface Planned {
    span: Span;
    at: number;
    applies: boolean;
  }
  const planned: Planned[] = [];
  let nextValue = 1;
  for (let p = 0; p < processes; p++) {
    let t = int(0, 5);
    for (let i = 0; i < opsPerProcess; i++) {
      const from = t;
      const to = from + int(1, 20);
      // Distinct instants (x.5 never collides with the integer event times).
      const at = int(from, to - 1) + 0.5;
      const roll = random();
      const f = roll < 0.45 ? 'read' : roll < 0.8 ? 'write' : 'cas';
      const span: Span =
        f === 'read'
          ? { process: p, f, value: null, from, to }
          : f === 'write'
            ? { process: p, f, value: nextValue++, from, to }
            : { process: p, f, value: [null, nextValue++], from, to };
      const fate = random();
      if (fate < 0.05) {
        // Crashed: may take effect any time after its invocation, even much later, or never.
        planned.push({
          span: { ...span, type: 'info' },
          at: from + int(0, 200) + 0.25,
          applies: random() < 0.5,
        });
      } else if (fate < 0.08) {
        planned.push({ span: { ...span, type: 'fail' }, at, applies: false });
      } else {
        planned.push({ span, at, applies: true });
      }
      t = to + int(1, 10);
    }
  }
  // Apply every op at its instant, in order, and fill in what reads and cas saw.
  let register: Value = null;
  const written: Value[] = [null];
  const spans = [...planned]
    .sort((a, b) => a.at - b.at)
    .map(({ span, applies }): Span => {
      if (!applies) return span;
      if (span.f === 'read') return { ...span, result: register };
      if (span.f === 'write') {
        register = span.value;
        written.push(register);
        return span;
      }
      const [, value] = span.value as Value[];
      const expected = random() < 0.6 ? register : written[int(0, written.length - 1)];
      const swapped = expected === register;
      const result: Value = [expected, value];
      if (span.type === 'info') {
        if (swapped) register = value;
        return { ...span, value: result };
      }
      if (!swapped) return { ...span, value: result, type: 'fail', error: 'cas-mismatch' };
      register = value;
      written.push(value);
      return { ...span, value: result };
    });
  return { history: history(...spans), spans };
}
