/**
 * npm run bench:pbs — PBS (Bailis et al., PVLDB 2012) reproduced on the leaderless mode's own
 * replicas in the WARS setting with LNKD-SSD delays (src/runtime/sim/pbs.ts says exactly what
 * runs): P(consistent read) right after a write commits, for N = 3 and (R, W) = (1, 1), (2, 2)
 * and (2, 1), next to the paper's figures; then the t-visibility curve for R = W = 1.
 * TRIALS (default 1,000,000) trials per configuration; the curve takes TRIALS / 10.
 * CI runs a smaller count in test/modes/leaderless/pbs.test.ts.
 */
import { runPbs, type PbsResult } from '../src/runtime/sim/pbs';

const TRIALS = Number(process.env.TRIALS ?? 1_000_000);
const SEED = Number(process.env.SEED ?? 1);

const pct = (p: number, digits = 3): string => `${(100 * p).toFixed(digits)}%`;
const started = performance.now();
let events = 0;

function run(r: number, w: number, trials: number, tMs: readonly number[]): PbsResult {
  const result = runPbs({ n: 3, r, w, trials, tMs, seed: SEED });
  events += result.events;
  return result;
}

console.log(
  `PBS, WARS with LNKD-SSD delays, N = 3, ${TRIALS.toLocaleString('en')} trials each, seed ${SEED}`,
);
console.log('');
const rows: [string, string, string, string, string][] = [
  ['R, W', 'P(consistent) at t = 0', 'stale reads', 'paper / model', 'verdict'],
];
const expected: Record<string, { paper: string; ok: (r: PbsResult) => boolean }> = {
  '1,1': {
    paper: '97.4% (paper); 97.3% (Monte Carlo of the model)',
    ok: (r) => Math.abs(r.curve[0].probability - 0.974) <= 0.01,
  },
  '2,2': {
    paper: '100% (R + W > N: never stale)',
    ok: (r) => r.curve[0].consistent === r.curve[0].reads,
  },
  '2,1': {
    paper: 'rare: ≈ 0.06% stale (Monte Carlo of the model)',
    ok: (r) => r.curve[0].consistent < r.curve[0].reads && 1 - r.curve[0].probability < 0.002,
  },
};
for (const [r, w] of [
  [1, 1],
  [2, 2],
  [2, 1],
] as const) {
  const result = run(r, w, TRIALS, [0]);
  const p = result.curve[0];
  const e = expected[`${r},${w}`];
  rows.push([
    `R=${r} W=${w}`,
    pct(p.probability),
    `${(p.reads - p.consistent).toLocaleString('en')} (${pct(1 - p.probability)})`,
    e.paper,
    e.ok(result) ? 'matches' : 'DIFFERS',
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));

const grid = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 10];
const curveTrials = Math.max(1, Math.round(TRIALS / 10));
const curve = run(1, 1, curveTrials, grid).curve;
console.log('');
console.log(
  `t-visibility, R = W = 1 (${curveTrials.toLocaleString('en')} trials, reads at each t):`,
);
for (const point of curve)
  console.log(`  t = ${String(point.tMs).padStart(5)} ms  ${pct(point.probability)}`);
const firstAbove = (p: number) => curve.find((c) => c.probability >= p)?.tMs;
console.log(
  `  99.9% t-visibility: ${firstAbove(0.999) ?? '> 10'} ms on this grid (paper: 1.85 ms); ` +
    `99.999% by ${firstAbove(0.99999) ?? '> 10'} ms (paper: by 5 ms)`,
);
const wallMs = performance.now() - started;
console.log('');
console.log(
  `${events.toLocaleString('en')} events in ${(wallMs / 1000).toFixed(1)} s (${Math.round(events / (wallMs / 1000)).toLocaleString('en')} events/s)`,
);
