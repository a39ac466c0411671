import { join } from 'node:path';
import { Command } from 'commander';
import { ModeUnavailableError, replicaMaker } from '../runtime/modes';
import { addDashboardOptions, dashboardSettings, type DashboardFlags } from './dashboard-options';
import { InputError } from './errors';
import { serveLiveDashboard } from './live-dashboard';
import { exposureWarnings, printWarnings } from '../runtime/live/exposure';
import { loadTopologyOrExit } from './load-topology';

/** The three-region topology the stories play on, shipped with geolab. */
const THREE_REGIONS = join(__dirname, '..', '..', 'topologies', 'three-regions.yaml');
const STORIES = ['partition'];

/**
 * `geolab demo partition [--mode ID]`: the three-region topology live, with the dashboard in
 * demo mode: the page tells the story of a partition step by step, and its Next button plays
 * each step (cut the leader's region off, watch, heal) on the real cluster.
 */
export function demoCommand(): Command {
  const command = new Command('demo')
    .description('play a guided story live on the three-region topology, in the dashboard')
    .argument('<story>', `the story: ${STORIES.join(', ')}`)
    .option(
      '--mode <id>',
      'replication mode (raft, async, leaderless:QUORUM, multi-leader:lww, …)',
      'raft',
    )
    .option('--topology <file>', 'play on another topology', THREE_REGIONS)
    .option('--toxiproxy <url>', 'use a running Toxiproxy instead of the embedded one');
  return addDashboardOptions(command, false).action(
    async (
      story: string,
      options: { mode: string; topology: string; toxiproxy?: string } & DashboardFlags,
    ) => {
      if (!STORIES.includes(story)) {
        throw new InputError(`no story ${story} (stories: ${STORIES.join(', ')})`);
      }
      const topology = loadTopologyOrExit(options.topology, options.mode);
      const server = dashboardSettings(topology, options);
      try {
        replicaMaker(topology);
      } catch (err) {
        if (err instanceof ModeUnavailableError) {
          throw new InputError(`--mode ${options.mode}: ${err.message}`);
        }
        throw err;
      }
      const toxiproxyUrl =
        options.toxiproxy ??
        (topology.toxiproxy.url === 'embedded' ? undefined : topology.toxiproxy.url);
      printWarnings(exposureWarnings(topology, toxiproxyUrl !== undefined));
      const dataDir = join(
        'runs',
        `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`,
        'data',
      );
      await serveLiveDashboard({
        topology,
        topologyFile: options.topology,
        mode: options.mode,
        toxiproxyUrl,
        dataDir,
        log: (m) => process.stderr.write(`${m}\n`),
        server,
        demo: true,
        what: 'geolab demo',
      });
    },
  );
}
