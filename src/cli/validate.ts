import { Command } from 'commander';
import { formatIssue, loadTopologyFile } from '../topology';
import { summarize } from '../topology/summary';
import { EXIT_BAD_INPUT } from './errors';

/** `geolab validate FILE…`: one summary line per valid file, every mistake of the others. */
export function validateCommand(): Command {
  return new Command('validate')
    .description('check topology files against the schema and for consistency')
    .argument('<files...>', 'topology YAML files')
    .option('--mode <id>', 'validate as if replication were this mode (raft, leaderless:QUORUM, …)')
    .action((files: string[], options: { mode?: string }) => {
      let bad = 0;
      for (const file of files) {
        const result = loadTopologyFile(file, { mode: options.mode });
        if (result.ok) {
          process.stdout.write(`${file}: ok: ${summarize(result.topology)}\n`);
        } else {
          bad++;
          for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
        }
      }
      if (bad > 0) process.exitCode = EXIT_BAD_INPUT;
    });
}
