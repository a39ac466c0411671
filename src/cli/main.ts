#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { doctorCommand } from './doctor';
import { latencyCommand } from './latency';
import { validateCommand } from './validate';

import { EXIT_BAD_INPUT, InputError } from './errors';
import { GEOLAB_VERSION } from '../version';

/** The `geolab` program: one file per subcommand under src/cli/, wired here. */
export function program(): Command {
  const root = new Command('geolab')
    .description('a multi-datacenter geo-replication lab')
    .version(GEOLAB_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const sub of [validateCommand(), latencyCommand(), doctorCommand()]) {
    sub.version(GEOLAB_VERSION, '-V, --version').exitOverride();
    root.addCommand(sub);
  }
  return root;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are bad input.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (err instanceof InputError) {
      process.stderr.write(`geolab: ${err.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    throw err;
  }
}

if (require.main === module) {
  void main(process.argv);
}
