import { Command } from 'commander';

/** `geolab doctor`: prove that the run-time libraries load and work on this machine. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check that the libraries geolab runs on load and work here')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      // Loaded on demand: Automerge's WebAssembly and Yjs are not needed by other subcommands.
      const { checkLibraries } = await import('../runtime/libraries.js');
      const checks = await checkLibraries();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(checks)}\n`);
      } else {
        for (const c of checks) {
          process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
        }
      }
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
