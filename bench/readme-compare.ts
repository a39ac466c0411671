/**
 * npm run readme:compare — regenerates the CAP cost table in README.md (between
 * `<!-- compare:start -->` and `<!-- compare:end -->`) from a fresh `geolab compare` run in the
 * simulator: the command README_COMPARE_ARGS names, at its default seed, so the same code gives
 * the same table. `--check` changes nothing and exits 1 when the README's table is out of date
 * (test/experiment/compare.test.ts checks the same). Takes a few seconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareReport, runCompare, type CompareSettings } from '../src/experiment/compare';
import { compareSettings } from '../src/cli/compare';
import {
  README_COMPARE_ARGS,
  README_COMPARE_COMMAND,
  readmeSection,
  replaceReadmeSection,
} from '../src/report/compare';
import { program } from '../src/cli/main';

const root = join(__dirname, '..');

/** The settings of the README's command, files resolved from the repository's root. */
export function readmeCompareSettings(): CompareSettings {
  const [file, ...rest] = README_COMPARE_ARGS;
  const settings = compareSettings(file, defaultFlags(rest));
  return {
    ...settings,
    topologyFile: join(root, settings.topologyFile),
    scenarioFile:
      settings.scenarioFile === undefined ? undefined : join(root, settings.scenarioFile),
  };
}

/** The README section a fresh run gives. */
export function generatedReadmeSection(): string {
  const settings = readmeCompareSettings();
  return readmeSection(README_COMPARE_COMMAND, compareReport(settings, runCompare(settings)));
}

/** The compare command's flags as commander would give them for these arguments. */
function defaultFlags(args: readonly string[]): Parameters<typeof compareSettings>[1] {
  const command = program().commands.find((c) => c.name() === 'compare');
  if (command === undefined) throw new Error('geolab has no compare command');
  command.action(() => undefined);
  command.parse(['file', ...args], { from: 'user' });
  return command.opts();
}

if (require.main === module) {
  const readmeFile = join(root, 'README.md');
  const readme = readFileSync(readmeFile, 'utf8');
  const started = performance.now();
  const updated = replaceReadmeSection(readme, generatedReadmeSection());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (process.argv.includes('--check')) {
    process.stdout.write(
      updated === readme
        ? `README.md's compare table is up to date (${seconds} s)\n`
        : "README.md's compare table is out of date: run npm run readme:compare\n",
    );
    process.exitCode = updated === readme ? 0 : 1;
  } else {
    writeFileSync(readmeFile, updated);
    process.stdout.write(`README.md's compare table regenerated (${seconds} s)\n`);
  }
}
