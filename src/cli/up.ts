import { join } from 'node:path';
import { Command } from 'commander';
import { Cluster } from '../runtime/live/cluster';
import { exposureWarnings, printWarnings } from '../runtime/live/exposure';
import { ModeUnavailableError, replicaMaker } from '../runtime/modes';
import { describeReplication } from '../topology/summary';
import { addDashboardOptions, requestedDashboard, type DashboardFlags } from './dashboard-options';
import { serveLiveDashboard } from './live-dashboard';
import { InputError } from './errors';
import { loadTopologyOrExit } from './load-topology';

/** `geolab up FILE`: start the live cluster of a topology and keep it up until Ctrl-C. */
export function upCommand(): Command {
  const command = new Command('up')
    .description(
      'start a topology live: Toxiproxy, one process per replica, the fabric; Ctrl-C stops it',
    )
    .argument('<file>', 'topology YAML file')
    .option('--mode <id>', 'replication mode overriding the file (raft, leaderless:QUORUM, …)')
    .option('--toxiproxy <url>', 'use a running Toxiproxy instead of the embedded one')
    .option('--data <dir>', 'where replicas keep their durable storage (default: runs/<time>/data)')
    .option('--json', 'print the endpoints as one JSON line once up');
  return addDashboardOptions(command).action(
    async (
      file: string,
      options: {
        mode?: string;
        toxiproxy?: string;
        data?: string;
        json?: boolean;
      } & DashboardFlags,
    ) => {
      const topology = loadTopologyOrExit(file, options.mode);
      const dashboard = requestedDashboard(topology, options);
      try {
        replicaMaker(topology);
      } catch (err) {
        if (err instanceof ModeUnavailableError) throw new InputError(`${file}: ${err.message}`);
        throw err;
      }
      const url =
        options.toxiproxy ??
        (topology.toxiproxy.url === 'embedded' ? undefined : topology.toxiproxy.url);
      printWarnings(exposureWarnings(topology, url !== undefined));
      const dataDir =
        options.data ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-'), 'data');
      const log = (message: string) => process.stderr.write(`${message}\n`);
      const clusterOptions = {
        topology,
        topologyFile: file,
        mode: options.mode,
        toxiproxyUrl: url,
        dataDir,
        log,
      };
      if (dashboard !== undefined) {
        await serveLiveDashboard({ ...clusterOptions, server: dashboard, what: 'geolab up' });
        return;
      }
      const cluster = new Cluster(clusterOptions);
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log('stopping…');
        await cluster.stop();
        process.exit(code);
      };
      process.on('SIGINT', () => void stop(0));
      process.on('SIGTERM', () => void stop(0));

      let nodes: Awaited<ReturnType<Cluster['start']>>;
      try {
        nodes = await cluster.start();
      } catch (err) {
        const message = (err as Error).message;
        // A port someone else holds is the user's to fix: bad input, exit 2, with the way out.
        const portInUse = /address already in use|EADDRINUSE/.test(message);
        const hint = portInUse
          ? ` (another geolab up or Toxiproxy holds it: stop it, set toxiproxy.port or network.basePort in ${file} (0 picks free ports), or pass --toxiproxy URL)`
          : '';
        log(`geolab up: ${message}${hint}`);
        await cluster.stop();
        const badInput = portInUse || (err as { exitCode?: number }).exitCode === 2;
        process.exit(badInput ? 2 : 1);
      }
      const clients = topology.regions.flatMap((r) =>
        topology.nodes.map((n) => {
          const at = cluster.clientAddress(r.name, n.id);
          return { region: r.name, node: n.id, url: `http://${at.host}:${at.port}` };
        }),
      );
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ toxiproxy: cluster.toxiproxyUrl, nodes, clients })}\n`,
        );
        return;
      }
      const lines = [
        `geolab up: ${topology.name}, ${describeReplication(topology.replication)}, ${nodes.length} replicas`,
        `toxiproxy ${cluster.toxiproxyUrl}${url ? '' : ' (embedded)'}; data in ${dataDir}`,
        'replicas:',
        ...nodes.map(
          (n) => `  ${n.id.padEnd(20)} ${n.region.padEnd(16)} pid ${n.pid}  port ${n.port}`,
        ),
        'clients reach a replica through its client proxy (HTTP /kv/KEY, /status; WebSocket /client):',
        ...topology.regions.map((r) => {
          const local = clients.filter(
            (c) =>
              c.region === r.name && topology.nodes.find((n) => n.id === c.node)?.region === r.name,
          );
          const shown =
            local.length > 0 ? local : clients.filter((c) => c.region === r.name).slice(0, 1);
          return `  from ${r.name.padEnd(16)} ${shown.map((c) => `${c.node} ${c.url}`).join('  ')}`;
        }),
        `e.g. curl -X PUT -d 42 ${clients[0]?.url ?? ''}/kv/x`,
        'Ctrl-C stops every replica and the proxy.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}
