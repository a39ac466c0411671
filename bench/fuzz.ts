/**
 * npm run bench:fuzz — the full-size fuzz run of issue 11 ("bad input, fuzzed"): every target
 * of test/fuzz/targets.ts (topology and scenario files, histories, peer and client frames,
 * client HTTP requests, the Toxiproxy API, dashboard controls) for FUZZ_RUNS cases each
 * (default 10,000) from FUZZ_SEED (default 1). Prints, per target, the cases, how many were
 * accepted and rejected with an error, the crashes (an exception, or a message unfit for a
 * person: must be 0) and the wall time; exits 1 on any crash, printing the first inputs.
 * FUZZ_ONLY=<substring> runs the targets whose name contains it.
 */
import { allTargets, measure, type FuzzFigures } from '../test/fuzz/targets';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const ONLY = process.env.FUZZ_ONLY;

function row(cells: readonly string[]): string {
  const widths = [24, 8, 10, 10, 8, 10];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ');
}

async function main(): Promise<void> {
  console.log(`fuzz: ${RUNS} cases per target, seed ${SEED}, node ${process.version}`);
  console.log(row(['target', 'cases', 'accepted', 'rejected', 'crashes', 'wall']));
  const all: FuzzFigures[] = [];
  for (const target of allTargets()) {
    if (ONLY !== undefined && !target.name.includes(ONLY)) continue;
    const f = await measure(target, RUNS, SEED);
    all.push(f);
    const wall = `${(f.wallMs / 1000).toFixed(1)} s`;
    console.log(
      row([
        f.target,
        String(f.cases),
        String(f.accepted),
        String(f.rejected),
        String(f.crashes),
        wall,
      ]),
    );
  }
  const crashed = all.filter((f) => f.crashes > 0);
  for (const f of crashed) {
    console.log(`\n${f.target}: first failing inputs`);
    for (const failure of f.failures) console.log(`- ${failure}`);
  }
  if (crashed.length > 0) process.exitCode = 1;
}

void main();
