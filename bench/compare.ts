/**
 * npm run bench:compare — the chapter's outcomes (src/experiment/chapter.ts) over many seeds:
 * `geolab compare` of the seven modes under toxics/partition-one-region.yaml, once per seed,
 * and for each claim the number of seeds that showed it. LIVE=1 runs every mode live instead
 * (processes and the proxy: about seven minutes per seed). Environment: SEEDS (default 20 in
 * the simulator, 1 live), DURATION (default 30s), MODES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chapterClaims } from '../src/experiment/chapter';
import {
  DEFAULT_COMPARE_MODES,
  DEFAULT_COMPARE_RATE,
  runCompare,
  runCompareLive,
  type CompareSettings,
  type ModeRun,
} from '../src/experiment/compare';
import { parseDuration } from '../src/topology';

const live = process.env.LIVE === '1';
const seeds = Number(process.env.SEEDS ?? (live ? 1 : 20));
const durationMs = parseDuration(process.env.DURATION ?? '30s') ?? 30_000;
const modes = (process.env.MODES ?? DEFAULT_COMPARE_MODES.join(',')).split(',');

async function main(): Promise<void> {
  const tally = new Map<string, number>();
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const settings: CompareSettings = {
      topologyFile: 'topologies/three-regions.yaml',
      modes,
      scenarioFile: 'toxics/partition-one-region.yaml',
      durationMs,
      seed,
      rate: DEFAULT_COMPARE_RATE,
    };
    let runs: ModeRun[];
    if (live) {
      const dir = mkdtempSync(join(tmpdir(), 'geolab-bench-compare-'));
      try {
        runs = await runCompareLive(settings, { dataDir: dir, log: () => undefined });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      runs = runCompare(settings);
    }
    const missed: string[] = [];
    for (const c of chapterClaims(runs, 'us-east-1')) {
      tally.set(c.claim, (tally.get(c.claim) ?? 0) + (c.holds ? 1 : 0));
      if (!c.holds) missed.push(c.measured === undefined ? c.claim : `${c.claim}: ${c.measured}`);
    }
    console.log(
      `seed ${seed}: ${missed.length === 0 ? 'every claim holds' : `missed: ${missed.join('; ')}`}`,
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${live ? 'live' : 'simulator'}, ${seeds} seed(s), ${durationMs / 1000} s of load each, ${modes.length} modes, ${seconds} s`,
  );
  for (const [claim, n] of tally) console.log(`${String(n).padStart(4)}/${seeds}  ${claim}`);
}

void main();
