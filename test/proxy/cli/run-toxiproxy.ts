/**
 * Runs `geolab toxiproxy` the way src/cli/main.ts runs a subcommand (InputError → one line on
 * stderr and exit code 2), for the tests that need a real process to send signals to.
 */
import { toxiproxyCommand } from '../../../src/cli/toxiproxy';
import { EXIT_BAD_INPUT, InputError } from '../../../src/cli/errors';

toxiproxyCommand()
  .exitOverride()
  .parseAsync(process.argv.slice(2), { from: 'user' })
  .catch((err: unknown) => {
    if (err instanceof InputError) {
      process.stderr.write(`geolab: ${err.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 70;
  });
