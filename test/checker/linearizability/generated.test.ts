import { checkLinearizability, REGISTER } from '../../../src/checker/linearizability';
import { history, type Span } from './spans';
import { simulateRegister } from './simulate';

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

/**
 * A read that no linearization allows: make it return the value of a write W1 that a later
 * write W2 overwrote, where W1 completed before W2 began and W2 completed before the read began.
 * Written values are unique, so nothing else could have written that value back.
 */
function staleReadMutation(spans: readonly Span[]): { spans: Span[]; read: Span } | undefined {
  const writes = spans.filter((s) => s.f === 'write' && (s.type ?? 'ok') === 'ok');
  for (const [i, r] of spans.entries()) {
    if (r.f !== 'read' || (r.type ?? 'ok') !== 'ok' || r.to === null) continue;
    for (const w2 of writes) {
      if (w2.to === null || !(w2.to < r.from)) continue;
      const w1 = writes.find((w) => w.to !== null && w.to < w2.from && w.value !== r.result);
      if (w1 === undefined) continue;
      const mutated = { ...r, result: w1.value };
      return { spans: spans.map((s, j) => (j === i ? mutated : s)), read: mutated };
    }
  }
  return undefined;
}

describe('generated histories of an atomic register', () => {
  it.each(SEEDS)('seed %i: linearizable as simulated, rejected with one stale read', (seed) => {
    const { history: h, spans } = simulateRegister(seed, 5, 12);
    const good = checkLinearizability(h, REGISTER, { maxSteps: 5_000_000 });
    expect(good.verdict).toBe('linearizable');

    const mutation = staleReadMutation(spans);
    expect(mutation).toBeDefined();
    if (mutation === undefined) return;
    const bad = checkLinearizability(history(...mutation.spans), REGISTER, {
      maxSteps: 5_000_000,
    });
    expect(bad.verdict).toBe('not-linearizable');
    // Rejected because of that read: the witness names it as the op that cannot be ordered.
    const named = [bad.witness?.cannotLinearize, ...(bad.witness?.concurrent ?? [])].map(
      (o) => o && [o.process, o.invokedAt, o.op],
    );
    expect(named).toContainEqual([
      mutation.read.process,
      mutation.read.from,
      `read() → ${JSON.stringify(mutation.read.result)}`,
    ]);
  });

  it('checks many keys apart: ten registers of 200 events each', () => {
    const keyed = Array.from({ length: 10 }, (_, k) =>
      simulateRegister(1000 + k, 4, 25).history.map((op) => ({
        ...op,
        key: `k${k}`,
        process: (op.process as number) + 4 * k,
      })),
    )
      .flat()
      .sort((a, b) => a.time - b.time || Number(a.type === 'invoke') - Number(b.type === 'invoke'));
    const result = checkLinearizability(keyed, REGISTER);
    expect(result.verdict).toBe('linearizable');
    expect(result.partitions.length).toBe(10);
  });
});
