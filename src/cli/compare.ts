import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import {
  CompareInputError,
  compareReport,
  DEFAULT_COMPARE_MODES,
  DEFAULT_COMPARE_RATE,
  modeDirName,
  runCompare,
  runCompareLive,
  type CompareReport,
  type CompareSettings,
  type ModeRun,
} from '../experiment/compare';
import { renderCompareMarkdown, renderCompareText } from '../report/compare';
import { parseDuration, parseModeId } from '../topology';
import { ModeUnavailableError } from '../runtime/modes';
import { InputError } from './errors';
import { ensureNoEarlierData } from './experiment-options';

interface CompareFlags {
  readonly modes: string;
  readonly scenario?: string;
  readonly duration: string;
  readonly seed: string;
  readonly rate: string;
  readonly out?: string;
  readonly live?: boolean;
}

/**
 * `geolab compare FILE`: the same topology, workload and faults once per replication mode, in
 * the simulator, and the CAP cost table. A measurement: it exits 0 whatever the modes did
 * (each mode's promises and verdict are in its results.json).
 */
export function compareCommand(): Command {
  return new Command('compare')
    .description('run one topology under each replication mode and print the CAP cost table')
    .argument('<file>', 'topology YAML file')
    .option(
      '--modes <ids>',
      'comma-separated mode ids (DESIGN §4)',
      DEFAULT_COMPARE_MODES.join(','),
    )
    .option('--scenario <file>', 'fault scenario (toxics/*.yaml) every mode runs under')
    .option('--duration <duration>', 'virtual time clients issue ops for', '30s')
    .option('--seed <seed>', 'random seed: the same seed gives the same table', '1')
    .option(
      '--rate <ops/s>',
      'open-loop ops/s per client, the same for every mode',
      String(DEFAULT_COMPARE_RATE),
    )
    .option('--out <dir>', 'where to write compare.json, compare.md and each mode’s results.json')
    .option('--live', 'run every mode live (processes, proxy, real time) instead of simulated')
    .action(async (file: string, flags: CompareFlags) => {
      const settings = compareSettings(file, flags);
      const hooks = {
        starting: (mode: string, i: number, total: number) =>
          process.stderr.write(`[${i + 1}/${total}] ${mode} …`),
        finished: (run: ModeRun, wallMs: number) =>
          process.stderr.write(
            ` ${run.results.ops.ok + run.results.ops.fail + run.results.ops.info} ops, ${(wallMs / 1000).toFixed(1)} s\n`,
          ),
      };
      const out = flags.out ?? defaultCompareDir(basename(file).replace(/\.ya?ml$/, ''));
      if (flags.live) ensureNoEarlierData(out);
      let runs: ModeRun[];
      try {
        runs = flags.live
          ? await runCompareLive(
              settings,
              { dataDir: join(out, 'data'), log: () => undefined },
              hooks,
            )
          : runCompare(settings, hooks);
      } catch (err) {
        if (err instanceof CompareInputError) throw new InputError(err.message);
        if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
        throw err;
      }
      const report = writeCompareDir(out, settings, runs);
      process.stdout.write(`${renderCompareText(report)}\nwritten to ${out}/\n`);
    });
}

/** Writes `<out>/<mode>/results.json`, `<out>/compare.json` and `<out>/compare.md`. */
export function writeCompareDir(
  out: string,
  settings: CompareSettings,
  runs: readonly ModeRun[],
): CompareReport {
  const report = compareReport(settings, runs);
  mkdirSync(out, { recursive: true });
  for (const run of runs) {
    const dir = join(out, modeDirName(run.mode));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), `${JSON.stringify(run.results, null, 2)}\n`);
  }
  writeFileSync(join(out, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'compare.md'), renderCompareMarkdown(report));
  return report;
}

/** The flags checked as bad input (one line each, exit 2). */
export function compareSettings(file: string, flags: CompareFlags): CompareSettings {
  const modes = flags.modes
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (modes.length === 0) throw new InputError('--modes: give at least one mode id');
  for (const mode of modes) {
    const parsed = parseModeId(mode);
    if (!parsed.ok) throw new InputError(`--modes: ${parsed.message}`);
  }
  const repeated = modes.find((m, i) => modes.indexOf(m) !== i);
  if (repeated !== undefined) throw new InputError(`--modes: ${repeated} is listed twice`);
  const durationMs = parseDuration(flags.duration);
  if (durationMs === undefined || durationMs <= 0) {
    throw new InputError(`--duration: not a duration: ${flags.duration} (e.g. 30s, 2m)`);
  }
  const rate = Number(flags.rate);
  if (!(rate > 0)) {
    throw new InputError(`--rate: must be a number > 0 (ops/s per client), got ${flags.rate}`);
  }
  const seed = /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  return { topologyFile: file, modes, scenarioFile: flags.scenario, durationMs, seed, rate };
}

function defaultCompareDir(name: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return join('runs', `compare-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`);
}
