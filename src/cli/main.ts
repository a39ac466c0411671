#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { checkCommand } from './check';
import { compareCommand } from './compare';
import { demoCommand } from './demo';
import { doctorCommand } from './doctor';
import { latencyCommand } from './latency';
import { nodeCommand } from './node';
import { reportCommand } from './report';
import { runCommand } from './run';
import { simCommand } from './sim';
import { toxiproxyCommand } from './toxiproxy';
import { upCommand } from './up';
import { validateCommand } from './validate';

import { EXIT_BAD_INPUT, EXIT_INTERNAL, InputError } from './errors';
import { GEOLAB_VERSION } from '../version';

/** The `geolab` program: one file per subcommand under src/cli/, wired here. */
export function program(): Command {
  const root = new Command('geolab')
    .description('a multi-datacenter geo-replication lab')
    .version(GEOLAB_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const sub of [
    validateCommand(),
    latencyCommand(),
    upCommand(),
    runCommand(),
    simCommand(),
    compareCommand(),
    demoCommand(),
    toxiproxyCommand(),
    nodeCommand(),
    doctorCommand(),
    checkCommand(),
    reportCommand(),
  ]) {
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
    // A bug of geolab's, not the user's: one line, and the stack only when asked for.
    const detail = process.env.GEOLAB_DEBUG ? (err as Error).stack : (err as Error).message;
    process.stderr.write(
      `geolab: internal error: ${String(detail)} (GEOLAB_DEBUG=1 shows where)\n`,
    );
    process.exitCode = EXIT_INTERNAL;
  }
}

if (require.main === module) {
  void main(process.argv);
}
