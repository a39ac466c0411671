/**
 * A run's directory, `runs/<name>-<timestamp>/`: results.json (every number, versioned),
 * history.jsonl (what clients saw, for `geolab check`), summary.md and report.html (both
 * rebuilt from results.json by `geolab report RUN_DIR`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportHtml } from '../report/html';
import { renderSummaryMarkdown } from '../report/summary';
import { formatJsonl } from '../workload/history/jsonl';
import type { ExperimentData } from './data';
import type { RunResults } from './results';

/** `runs/<topology name>-<mode>-<UTC time>`: sortable, and safe as a file name everywhere. */
export function defaultRunDir(results: Pick<RunResults, 'name' | 'mode' | 'startedAt'>): string {
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return join('runs', `${safe(results.name)}-${safe(results.mode)}-${stamp}`);
}

/** Writes every file of a run; returns their paths. */
export function writeRunDir(dir: string, results: RunResults, data: ExperimentData): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['results.json', `${JSON.stringify(results, null, 2)}\n`],
    ['history.jsonl', formatJsonl(data.history)],
    ['summary.md', renderSummaryMarkdown(results)],
    ['report.html', renderReportHtml(results)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
