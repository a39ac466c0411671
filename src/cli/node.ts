import { Command } from 'commander';
import { asNodeId } from '../core/ids';
import { runNodeProcess } from '../runtime/live/node-process';
import { ModeUnavailableError } from '../runtime/modes';
import { InputError } from './errors';
import { loadTopologyOrExit } from './load-topology';

/** `geolab node --topology F --id N`: run one replica (normally started by `geolab up`). */
export function nodeCommand(): Command {
  return new Command('node')
    .description('run one replica of a topology as this process (geolab up starts these)')
    .requiredOption('--topology <file>', 'topology YAML file')
    .requiredOption('--id <node>', 'which node of the topology to run')
    .requiredOption(
      '--toxiproxy <url>',
      'the Toxiproxy holding the fabric, e.g. http://127.0.0.1:8474',
    )
    .option('--data <dir>', 'directory for the replica’s durable storage', 'runs/data')
    .option('--mode <id>', 'replication mode overriding the file')
    .option(
      '--exit-with-stdin',
      'stop when stdin closes (how an orchestrator’s children stop with it)',
    )
    .action(
      async (options: {
        topology: string;
        id: string;
        toxiproxy: string;
        data: string;
        mode?: string;
        exitWithStdin?: boolean;
      }) => {
        const topology = loadTopologyOrExit(options.topology, options.mode);
        if (!topology.nodes.some((n) => n.id === options.id)) {
          const ids = topology.nodes.map((n) => n.id).join(', ');
          throw new InputError(
            `--id: ${options.topology} has no node "${options.id}" (nodes: ${ids})`,
          );
        }
        if (!/^https?:\/\/.+/.test(options.toxiproxy)) {
          throw new InputError(`--toxiproxy: not an http:// URL: ${options.toxiproxy}`);
        }
        try {
          await runNodeProcess({
            topology,
            node: asNodeId(options.id),
            toxiproxyUrl: options.toxiproxy.replace(/\/+$/, ''),
            dataDir: options.data,
            exitWithStdin: options.exitWithStdin ?? false,
          });
        } catch (err) {
          if (err instanceof ModeUnavailableError)
            throw new InputError(`${options.topology}: ${err.message}`);
          if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
            throw new InputError(
              `node ${options.id}: its port is in use (${(err as Error).message})`,
            );
          }
          throw err;
        }
      },
    );
}
