/** The options `geolab run` and `geolab sim` share, checked as bad input (one line, exit 2). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../faults/load-scenario';
import type { Scenario } from '../faults/types';
import { formatIssue, parseDuration, type Topology } from '../topology';
import { InputError } from './errors';

export interface ExperimentFlags {
  readonly scenario?: string;
  readonly duration: string;
  readonly rate?: string;
  readonly seed: string;
}

export interface ExperimentSettings {
  readonly scenario: Scenario | undefined;
  readonly durationMs: number;
  readonly rate: number | undefined;
  readonly seed: string | number;
}

export function experimentSettings(topology: Topology, flags: ExperimentFlags): ExperimentSettings {
  const durationMs = parseDuration(flags.duration);
  if (durationMs === undefined || durationMs <= 0) {
    throw new InputError(`--duration: not a duration: ${flags.duration} (e.g. 30s, 10m)`);
  }
  const rate = flags.rate === undefined ? undefined : Number(flags.rate);
  if (rate !== undefined && !(rate > 0)) {
    throw new InputError(`--rate: must be a number > 0 (ops/s per client), got ${flags.rate}`);
  }
  let scenario: Scenario | undefined;
  if (flags.scenario !== undefined) {
    const loaded = loadScenarioFile(flags.scenario, topology);
    if (!loaded.ok) throw new InputError(loaded.issues.map(formatIssue).join('\n'));
    scenario = loaded.scenario;
  }
  const seed = /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  return { scenario, durationMs, rate, seed };
}

/**
 * A live run's output directory must not hold an earlier run's replica data: the replicas
 * would start from it, and the checkers would see values this run's clients never wrote.
 */
export function ensureNoEarlierData(out: string): void {
  const data = join(out, 'data');
  if (existsSync(data) && readdirSync(data).length > 0) {
    throw new InputError(
      `--out ${out}: ${data} holds an earlier run's replica data (the replicas would start from it); choose another --out, or remove that directory`,
    );
  }
}
