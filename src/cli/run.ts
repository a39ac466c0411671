import { join } from 'node:path';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { runLiveExperiment } from '../experiment/live-experiment';
import { buildResults } from '../experiment/results';
import { defaultRunDir, writeRunDir } from '../experiment/run-dir';
import type { FaultWindow } from '../faults/types';
import { renderSummaryText } from '../report/summary';
import { ModeUnavailableError, replicaMaker } from '../runtime/modes';
import { modeIdOf } from '../topology';
import type { HistoryOp } from '../workload/history';
import { LiveSession } from '../dashboard/live-session';
import type { Cluster } from '../runtime/live/cluster';
import { exposureWarnings, printWarnings } from '../runtime/live/exposure';
import { dashboardMetrics } from './dashboard-metrics';
import { startDashboardServer, type DashboardServer } from '../dashboard/server';
import {
  addDashboardOptions,
  requestedDashboard,
  printDashboardUrl,
  type DashboardFlags,
} from './dashboard-options';
import { EXIT_CHECK_FAILED, InputError } from './errors';
import { ensureNoEarlierData, experimentSettings } from './experiment-options';
import { loadTopologyOrExit } from './load-topology';

interface RunFlags extends DashboardFlags {
  scenario?: string;
  duration: string;
  rate?: string;
  seed: string;
  mode?: string;
  out?: string;
  toxiproxy?: string;
  progress: boolean;
}

/**
 * `geolab run TOPOLOGY`: the main job. Starts the topology live, drives its workload from
 * every region while a scenario's faults play, checks what the clients saw, and writes the
 * run's report; exits 1 when the mode broke a promise (e.g. Raft not linearizable).
 */
export function runCommand(): Command {
  const command = new Command('run')
    .description(
      'run a topology live under its workload and a fault scenario; check the history; write a report',
    )
    .argument('<topology>', 'topology YAML file')
    .option('--scenario <file>', 'fault scenario YAML (toxics/*.yaml)')
    .option('--duration <duration>', 'how long clients issue ops', '60s')
    .option('--rate <ops/s>', 'open-loop load per client, overriding the topology')
    .option('--seed <seed>', "the workload's random seed", '1')
    .option('--mode <id>', 'replication mode overriding the file (raft, leaderless:QUORUM, …)')
    .option('--out <dir>', 'where to write the report (default: runs/<name>-<mode>-<time>)')
    .option('--toxiproxy <url>', 'use a running Toxiproxy instead of the embedded one')
    .option('--no-progress', 'no progress bar');
  return addDashboardOptions(command).action(async (file: string, flags: RunFlags) => {
    const topology = loadTopologyOrExit(file, flags.mode);
    const settings = experimentSettings(topology, flags);
    const dashboard = requestedDashboard(topology, flags);
    try {
      replicaMaker(topology);
    } catch (err) {
      if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
      throw err;
    }
    const dir =
      flags.out ??
      defaultRunDir({
        name: topology.name,
        mode: modeIdOf(topology.replication),
        startedAt: new Date().toISOString(),
      });
    ensureNoEarlierData(dir);
    const progress = new Progress(settings.durationMs, flags.progress);
    const logs: string[] = [];
    // With --dashboard: the page watches the run's own cluster, clients and scenario.
    let session: LiveSession | undefined;
    let traffic: (() => ReturnType<Cluster['proxyTraffic']>) | undefined;
    const metrics = dashboard && dashboardMetrics({ topology, traffic: () => traffic?.() });
    let server: Promise<DashboardServer | undefined> = Promise.resolve(undefined);
    const toxiproxyUrl =
      flags.toxiproxy ??
      (topology.toxiproxy.url === 'embedded' ? undefined : topology.toxiproxy.url);
    printWarnings(exposureWarnings(topology, toxiproxyUrl !== undefined));
    const started = runLiveExperiment(topology, {
      topologyFile: file,
      mode: flags.mode,
      toxiproxyUrl,
      dataDir: join(dir, 'data'),
      durationMs: settings.durationMs,
      rate: settings.rate,
      scenario: settings.scenario,
      seed: settings.seed,
      log: (m) => logs.push(m),
      onRecord: (op) => {
        progress.record(op);
        session?.record(op);
        metrics?.record(op);
      },
      onFaults: (active) => {
        progress.faults(active);
        session?.scenarioFaults(active);
      },
      onStart: () => progress.start(),
      onEvent: (node, event) => {
        session?.observe(node, event);
        metrics?.event(node, event);
      },
      onLive: ({ cluster, target, origin, watch }) => {
        if (dashboard === undefined) return;
        const live = new LiveSession({ topology, cluster, target, origin, workload: false });
        live.primeFrom(watch);
        session = live;
        traffic = () => cluster.proxyTraffic();
        server = startDashboardServer({
          ...dashboard,
          session: live,
          metrics: metrics && (() => metrics.serve()),
        }).then(
          (s) => {
            printDashboardUrl(s.url);
            return s;
          },
          (err: unknown) => {
            process.stderr.write(`dashboard: ${(err as Error).message}\n`);
            return undefined;
          },
        );
      },
    }).finally(async () => {
      progress.stop();
      await (await server)?.close();
      await session?.close();
    });
    const data = await started.catch((err: unknown) => {
      // The cluster's own log says why it could not start or run: show its last lines.
      for (const line of logs.slice(-10)) process.stderr.write(`${line}\n`);
      const message = err instanceof Error ? err.message : String(err);
      if (/address already in use|EADDRINUSE/.test(message)) {
        throw new InputError(
          `${file}: ${message} (stop the other geolab or Toxiproxy, set network.basePort: 0 and toxiproxy.port: 0, or pass --toxiproxy URL)`,
        );
      }
      throw err;
    });
    process.stderr.write('checking the history…\n');
    const results = buildResults(data);
    writeRunDir(dir, results, data);
    process.stdout.write(`${renderSummaryText(results)}\nreport: ${join(dir, 'report.html')}\n`);
    if (results.verdict === 'fail') process.exitCode = EXIT_CHECK_FAILED;
  });
}

/** The live progress bar: elapsed time, ops and ops/s, errors, and the faults active now. */
class Progress {
  private readonly bar: SingleBar | undefined;
  private ops = 0;
  private errors = 0;
  private active = 'none';
  private started = performance.now();

  constructor(
    private readonly durationMs: number,
    enabled: boolean,
  ) {
    if (!enabled) return;
    process.stderr.write('starting the cluster…\n');
    this.bar = new SingleBar({
      format:
        '{bar} {elapsed}/{total} s | {ops} ops, {rate} ops/s | errors {errors} | faults: {faults}',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      barsize: 24,
    });
  }

  /** The clients start: the clock starts. */
  start(): void {
    this.started = performance.now();
    this.bar?.start(Math.round(this.durationMs / 1000), 0, this.payload());
  }

  record(op: HistoryOp): void {
    if (op.type === 'invoke') return;
    this.ops++;
    if (op.type !== 'ok') this.errors++;
    this.update();
  }

  faults(active: readonly FaultWindow[]): void {
    this.active =
      active.length === 0 ? 'none' : active.map((f) => `${f.name} (${f.detail})`).join(', ');
    this.update();
  }

  stop(): void {
    this.bar?.stop();
  }

  private update(): void {
    const elapsed = Math.min(this.durationMs, performance.now() - this.started) / 1000;
    this.bar?.update(Math.floor(elapsed), this.payload());
  }

  private payload(): Record<string, string | number> {
    const elapsed = (performance.now() - this.started) / 1000;
    return {
      ops: this.ops,
      rate: elapsed > 0 ? Math.round(this.ops / elapsed) : 0,
      errors: this.errors,
      faults: this.active,
      elapsed: Math.floor(Math.min(elapsed, this.durationMs / 1000)),
    };
  }
}
