import { Command } from 'commander';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_SCHEMA, type RunResults } from '../experiment/results';
import { renderReportHtml } from '../report/html';
import { renderSummaryMarkdown } from '../report/summary';
import { InputError } from './errors';

/** `geolab report RUN_DIR`: rebuilds report.html and summary.md from the run's results.json. */
export function reportCommand(): Command {
  return new Command('report')
    .description("rebuild a run's report.html and summary.md from its results.json")
    .argument('<run-dir>', 'a run directory (runs/…) holding results.json')
    .action((dir: string) => {
      const results = readResults(dir);
      const written = [
        write(join(dir, 'report.html'), renderReportHtml(results)),
        write(join(dir, 'summary.md'), renderSummaryMarkdown(results)),
      ];
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
    });
}

/** A run directory's results.json, or an InputError saying in one line what is wrong. */
export function readResults(dir: string): RunResults {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such run directory`);
  if (!statSync(dir).isDirectory())
    throw new InputError(`${dir}: not a directory (give a run directory)`);
  const file = join(dir, 'results.json');
  if (!existsSync(file))
    throw new InputError(`${file}: not found (a run directory holds results.json)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${oneLine((err as Error).message)})`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError(`${file}: expected an object with "schema": "${RESULTS_SCHEMA}"`);
  if (schema !== RESULTS_SCHEMA)
    throw new InputError(
      `${file}: field "schema" is ${schema === undefined ? 'missing' : JSON.stringify(schema)}, expected "${RESULTS_SCHEMA}"`,
    );
  return data as RunResults;
}

function write(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
