/**
 * npm run bench:leaderless — the leaderless mode's fault stories of issue 8, measured in the
 * simulator (src/runtime/sim/leaderless-scenarios.ts): availability per region and level while
 * the largest region is cut off, with strict and sloppy quorums; stale QUORUM reads; time to
 * converge after the heal by hinted handoff, and by anti-entropy alone; lost acknowledged writes
 * under a 500 ms clock skew with last-write-wins and with siblings; and a Paxos soak over SEEDS
 * seeds (default 20). PBS has its own: npm run bench:pbs.
 */
import {
  partitionRun,
  PARTITION_LEVELS,
  serialSoakRun,
  skewRun,
  type PartitionResult,
} from '../src/runtime/sim/leaderless-scenarios';

const SEEDS = Number(process.env.SEEDS ?? 20);
const started = performance.now();

const pct = (ok: number, total: number): string =>
  total === 0 ? '—' : `${Math.round((100 * ok) / total)}%`;

function availability(title: string, r: PartitionResult): void {
  console.log(
    `${title} (largest region ${r.largest} cut off; ops invoked 2 s into the partition until 2 s before the heal)`,
  );
  const header = ['region', ...PARTITION_LEVELS.map((l) => `${l} w/r`)];
  const rows = [header];
  for (const [region, levels] of Object.entries(r.availability)) {
    rows.push([
      region,
      ...PARTITION_LEVELS.map(
        (l) =>
          `${pct(levels[l].write.ok, levels[l].write.total)} / ${pct(levels[l].read.ok, levels[l].read.total)}`,
      ),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  const stale = PARTITION_LEVELS.map(
    (l) => `${l} ${r.staleByLevel[l].stale}/${r.staleByLevel[l].reads}`,
  );
  console.log(`  stale reads by level of the key read (stale/measured): ${stale.join(', ')}`);
  console.log(
    `  after the heal: converged in ${r.convergenceMs ?? 'never'} ms; lost acknowledged writes ${r.lostWrites.lost.length} of ${r.lostWrites.acknowledged} (at QUORUM: ${r.lostQuorumWrites})`,
  );
  console.log('');
}

availability(
  'Strict quorums (Cassandra-style, sloppyQuorum: false)',
  partitionRun({ seed: 1, sloppy: false }),
);
availability('Sloppy quorum (Dynamo, sloppyQuorum: true)', partitionRun({ seed: 1, sloppy: true }));
const noHints = partitionRun({ seed: 1, sloppy: false, hintWindow: '1s' });
console.log(
  `Hint window 1 s, shorter than the 20 s partition (anti-entropy every 5 s does the rest): converged in ${noHints.convergenceMs ?? 'never'} ms after the heal; lost ${noHints.lostWrites.lost.length}`,
);
console.log('');

for (const [conflicts, timestamps] of [
  ['lww', 'wall'],
  ['lww', 'hlc'],
  ['siblings', 'wall'],
] as const) {
  const r = skewRun({ seed: 1, conflicts, timestamps });
  console.log(
    `Clock skew 500 ms on one of three replicas, ${conflicts === 'lww' ? `last-write-wins, ${timestamps === 'wall' ? 'wall clocks' : 'hybrid logical clocks'}` : 'siblings (version vectors)'}: ` +
      `${r.lostWrites.lost.length} of ${r.acknowledged} acknowledged writes lost (checker)` +
      (conflicts === 'siblings' ? `, ${r.missing} missing from the final reads` : ''),
  );
}
console.log('');

const verdicts = new Map<string, number>();
const outcomes = new Map<string, number>();
for (let seed = 1; seed <= SEEDS; seed++) {
  const r = serialSoakRun(seed);
  verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
  if (r.verdict !== 'linearizable') console.log(`  seed ${seed}: ${r.verdict}\n${r.witness ?? ''}`);
  for (const [k, n] of Object.entries(r.outcomes)) outcomes.set(k, (outcomes.get(k) ?? 0) + n);
}
console.log(
  `Paxos soak (SERIAL reads, writes and cas; isolation, crashes, loss), ${SEEDS} seeds: ${[...verdicts].map(([v, n]) => `${n} ${v}`).join(', ')}`,
);
console.log(
  `  outcomes: ${[...outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
);
console.log('');
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
