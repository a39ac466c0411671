import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { formatDuration, parseDuration } from '../topology';
import { ModeUnavailableError } from '../runtime/modes';
import { simulate } from '../runtime/sim/run';
import { buildResults } from '../experiment/results';
import { defaultRunDir, writeRunDir } from '../experiment/run-dir';
import { runSimExperiment } from '../experiment/sim-experiment';
import { renderSummaryText } from '../report/summary';
import { formatJsonl } from '../workload/history/jsonl';
import type { Topology } from '../topology';
import { SimSession } from '../dashboard/sim-session';
import { dashboardMetrics } from './dashboard-metrics';
import { startDashboardServer } from '../dashboard/server';
import {
  addDashboardOptions,
  printDashboardUrl,
  requestedDashboard,
  type DashboardFlags,
  type DashboardSettings,
} from './dashboard-options';
import { EXIT_CHECK_FAILED, InputError } from './errors';
import { experimentSettings } from './experiment-options';
import { loadTopologyOrExit } from './load-topology';

/** `geolab sim FILE`: run a topology in the deterministic simulator. */
export function simCommand(): Command {
  const command = new Command('sim')
    .description('run a topology in the deterministic simulator (virtual time, seeded)')
    .argument('<file>', 'topology YAML file')
    .option('--seed <seed>', 'random seed: the same seed gives the same run', '1')
    .option('--duration <duration>', 'virtual time clients issue ops for', '60s')
    .option('--rate <ops/s>', 'open-loop load per client, overriding the topology')
    .option('--mode <id>', 'replication mode overriding the file (raft, leaderless:QUORUM, …)')
    .option('--out <history.jsonl>', 'write the client history as JSON Lines')
    .option('--json', 'print the summary as JSON')
    .option(
      '--scenario <file>',
      'play a fault scenario (toxics/*.yaml) and check and report the run, as geolab run does',
    )
    .option(
      '--report <dir>',
      'check the run and write its report there (default with --scenario: runs/…)',
    )
    .option('--speed <x>', 'with --dashboard: virtual ms per wall ms to start with', '1');
  return addDashboardOptions(command).action(
    async (
      file: string,
      options: {
        seed: string;
        duration: string;
        rate?: string;
        mode?: string;
        out?: string;
        json?: boolean;
        scenario?: string;
        report?: string;
        speed: string;
      } & DashboardFlags,
    ) => {
      const topology = loadTopologyOrExit(file, options.mode);
      const dashboard = requestedDashboard(topology, options);
      if (dashboard !== undefined) {
        await simDashboard(file, topology, dashboard, options);
        return;
      }
      if (options.scenario !== undefined || options.report !== undefined) {
        experiment(file, topology, options);
        return;
      }
      const durationMs = parseDuration(options.duration);
      if (durationMs === undefined || durationMs <= 0) {
        throw new InputError(`--duration: not a duration: ${options.duration} (e.g. 60s, 10m)`);
      }
      const rate = options.rate === undefined ? undefined : Number(options.rate);
      if (rate !== undefined && !(rate > 0))
        throw new InputError(`--rate: must be a number > 0, got ${options.rate}`);
      const seed = /^\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
      let run: ReturnType<typeof simulate>;
      try {
        run = simulate(topology, { seed, durationMs, rate });
      } catch (err) {
        if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
        throw err;
      }
      const { sim, summary } = run;
      if (options.out) writeFileSync(options.out, sim.historyJsonl());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const { ok, fail, info } = summary.ops;
      process.stdout.write(
        [
          `${topology.name}: seed ${String(seed)}, ${formatDuration(summary.virtualMs)} virtual in ${formatDuration(Math.round(summary.wallMs))} (${Math.round(summary.virtualMs / summary.wallMs)}× real time)`,
          `events ${summary.events}, ops ok ${ok}, fail ${fail}, info ${info}`,
          `history ${summary.historyHash}`,
          `trace   ${summary.traceHash}`,
          '',
        ].join('\n'),
      );
    },
  );
}

/**
 * The experiment of `geolab run`, in the simulator: the workload, the scenario's faults, the
 * final reads, the checkers and the report, in virtual time and reproducible by seed.
 */
function experiment(
  file: string,
  topology: Topology,
  options: {
    seed: string;
    duration: string;
    rate?: string;
    scenario?: string;
    report?: string;
    out?: string;
  },
): void {
  const settings = experimentSettings(topology, options);
  let data: ReturnType<typeof runSimExperiment>;
  try {
    data = runSimExperiment(topology, settings);
  } catch (err) {
    if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
  const results = buildResults(data);
  const dir = options.report ?? defaultRunDir(results);
  writeRunDir(dir, results, data);
  if (options.out) writeFileSync(options.out, formatJsonl(data.history));
  process.stdout.write(`${renderSummaryText(results)}\nreport: ${join(dir, 'report.html')}\n`);
  if (results.verdict === 'fail') process.exitCode = EXIT_CHECK_FAILED;
}

/**
 * `geolab sim FILE --dashboard`: the simulator paced in real time (× --speed) with the
 * dashboard on it, its clients running until Ctrl-C; pause, step and speed from the page.
 */
async function simDashboard(
  file: string,
  topology: Topology,
  settings: DashboardSettings,
  options: { seed: string; speed: string; scenario?: string },
): Promise<void> {
  if (options.scenario !== undefined) {
    throw new InputError('--scenario and --dashboard: play faults from the page instead');
  }
  const speed = Number(options.speed);
  if (!(speed > 0 && speed <= 1000)) {
    throw new InputError(`--speed: must be a number in (0, 1000], got ${options.speed}`);
  }
  const seed = /^\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
  let session: SimSession | undefined;
  const metrics = dashboardMetrics({ topology, now: () => session?.sim.now ?? 0 });
  try {
    session = new SimSession({
      topology,
      seed,
      speed,
      onRecord: (op) => metrics.record(op),
      onEvent: (node, event) => metrics.event(node, event),
    });
  } catch (err) {
    if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
  const running = session;
  const server = await startDashboardServer({
    ...settings,
    session: running,
    metrics: () => metrics.serve(),
  }).catch(async (err: unknown) => {
    await running.close();
    const message = (err as Error).message;
    if (/EADDRINUSE|address already in use/.test(message)) {
      throw new InputError(`dashboard: ${message} (pick another --port; 0 picks a free one)`);
    }
    throw err;
  });
  printDashboardUrl(server.url);
  process.stderr.write(`simulating ${topology.name} (seed ${String(seed)}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await running.close();
}
