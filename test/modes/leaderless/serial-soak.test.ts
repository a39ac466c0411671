import { serialSoakRun } from '../../../src/runtime/sim/leaderless-scenarios';

// Paxos CAS under contention and faults (src/runtime/sim/leaderless-scenarios.ts); `npm run
// bench:leaderless` runs more seeds. Each history must be linearizable.
describe('serial (Paxos) soak', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: linearizable, with cas and writes taking effect`, () => {
      const r = serialSoakRun(seed, 12_000);
      expect({ seed, verdict: r.verdict, witness: r.witness }).toEqual({
        seed,
        verdict: 'linearizable',
        witness: undefined,
      });
      expect(r.outcomes['cas:ok'] ?? 0).toBeGreaterThan(20);
      expect(r.outcomes['write:ok'] ?? 0).toBeGreaterThan(20);
    });
  }
});
