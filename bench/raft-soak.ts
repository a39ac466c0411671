/**
 * npm run bench:raft-soak — the full Raft soak of issue 6: RUNS (default 500) seeded chaos
 * runs of a five-region Raft cluster (src/runtime/sim/raft-soak.ts), each history checked for
 * linearizability and lost acknowledged writes; then the same soak with one safety rule
 * switched off (TEETH_RUNS seeds each, default 200), which must fail. Prints any failing seed,
 * to replay with SEED=n.
 */
import { raftSoakRun, type UnsafeRule } from '../src/runtime/sim/raft-soak';
import type { ChaosResult } from '../src/runtime/sim/chaos';

const RUNS = Number(process.env.RUNS ?? 500);
const TEETH_RUNS = Number(process.env.TEETH_RUNS ?? 200);
const FIRST = Number(process.env.SEED ?? 1);

function quantiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `min ${s[0]}, median ${at(0.5)}, max ${s[s.length - 1]}`;
}

function soak(runs: number, unsafe?: UnsafeRule): { results: ChaosResult[]; wallMs: number } {
  const started = performance.now();
  const results: ChaosResult[] = [];
  for (let seed = FIRST; seed < FIRST + runs; seed++) {
    const r = raftSoakRun({ seed, unsafe });
    results.push(r);
    if (!r.passed && unsafe === undefined) {
      console.log(`seed ${seed} FAILED:\n${r.explanation}`);
      console.log(r.faults.map((f) => `  ${f.startMs}–${f.endMs} ms ${f.detail}`).join('\n'));
    }
  }
  return { results, wallMs: performance.now() - started };
}

const safe = soak(RUNS);
const ops = safe.results.map((r) => r.ops.ok + r.ops.fail + r.ops.info);
const faults = safe.results.map((r) => r.faults.length);
const kinds = new Map<string, number>();
for (const r of safe.results)
  for (const f of r.faults) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
const failed = safe.results.filter((r) => !r.passed);
const lost = safe.results.reduce((n, r) => n + r.lostWrites.lost.length, 0);
const acknowledged = safe.results.reduce((n, r) => n + r.lostWrites.acknowledged, 0);
console.log(
  `raft soak: ${RUNS} runs (seeds ${FIRST}–${FIRST + RUNS - 1}) in ${(safe.wallMs / 1000).toFixed(1)} s`,
);
console.log(
  `  passed ${RUNS - failed.length}/${RUNS}; failing seeds: ${failed.map((r) => r.seed).join(', ') || 'none'}`,
);
console.log(`  client ops per run: ${quantiles(ops)}`);
console.log(`  faults per run: ${quantiles(faults)}`);
console.log(
  `  faults played: ${[...kinds]
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
);
console.log(`  acknowledged writes judged: ${acknowledged}, lost: ${lost}`);
console.log(
  `  linearizability: ${safe.results.filter((r) => r.linearizability.verdict === 'linearizable').length} linearizable, ` +
    `${safe.results.filter((r) => r.linearizability.verdict === 'unknown').length} unknown`,
);

for (const rule of ['skipLogCheck', 'volatileVote'] as const) {
  const teeth = soak(TEETH_RUNS, rule);
  const caught = teeth.results.filter((r) => !r.passed);
  const how = new Map<string, number>();
  for (const r of caught) {
    const kind = r.explanation.startsWith('a replica panicked')
      ? 'invariant panic'
      : r.linearizability.verdict === 'not-linearizable'
        ? 'not linearizable'
        : 'lost writes';
    how.set(kind, (how.get(kind) ?? 0) + 1);
  }
  console.log(
    `with ${rule}: ${caught.length}/${TEETH_RUNS} runs fail (${[...how].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}); ` +
      `first failing seed ${caught[0]?.seed ?? '-'}; ${(teeth.wallMs / 1000).toFixed(1)} s`,
  );
}
process.exitCode = failed.length === 0 ? 0 : 1;
