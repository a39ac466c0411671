import { convergenceSoakRun } from '../../../src/runtime/sim/leaderless-scenarios';

// Quorum reads and writes under isolation, crashes and loss (src/runtime/sim/leaderless-scenarios.ts):
// every replica ends with the same cell and nothing acknowledged is lost, for each conflict
// handling, strict or sloppy.
describe('leaderless convergence soak', () => {
  for (const [conflicts, sloppy, seed] of [
    ['lww', false, 1],
    ['lww', true, 2],
    ['siblings', false, 3],
    ['siblings', true, 4],
  ] as const) {
    it(`${conflicts}${sloppy ? ', sloppy' : ''}, seed ${seed}: converges, loses nothing`, () => {
      const r = convergenceSoakRun(seed, { conflicts, sloppy, durationMs: 12_000 });
      expect({ divergent: r.divergent, lost: r.lostWrites.lost }).toEqual({
        divergent: [],
        lost: [],
      });
      expect(r.lostWrites.verdict).toBe('ok');
      expect(r.outcomes['write:ok']).toBeGreaterThan(100);
    });
  }
});
