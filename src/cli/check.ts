import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { checkCausal, formatCausal, type CausalResult } from '../checker/causal';
import {
  checkLinearizability,
  defaultModel,
  formatWitness,
  modelNamed,
  type LinearizabilityResult,
  type SomeModel,
} from '../checker/linearizability';
import { checkSessions, formatSessions, type SessionResult } from '../checker/session';
import {
  findLostWrites,
  formatConvergence,
  formatLostWrites,
  formatStaleness,
  measureConvergence,
  measureStaleness,
  type ConvergenceResult,
  type LostWritesResult,
  type StalenessResult,
} from '../checker/staleness';
import { parseDuration } from '../topology/duration';
import {
  detectFormat,
  HistoryError,
  readHistory,
  type HistoryFormat,
  type HistoryOp,
} from '../workload/history';
import { EXIT_CHECK_FAILED, InputError } from './errors';

/** The version of check.json's layout; bumped when a field changes meaning or goes away. */
export const CHECK_SCHEMA = 'geolab.check/v1';

const CHECKERS = ['lin', 'session', 'causal', 'stale'] as const;
type CheckerName = (typeof CHECKERS)[number];

export type Outcome = 'ok' | 'violation' | 'unknown' | 'not-applicable';

export interface StaleReport {
  readonly staleness: Omit<StalenessResult, 'reads'> & { staleReads: StalenessResult['reads'] };
  readonly lostWrites: LostWritesResult;
  readonly convergence: ConvergenceResult;
}

/** What check.json holds. */
export interface CheckReport {
  readonly schema: typeof CHECK_SCHEMA;
  readonly history: string;
  readonly format: HistoryFormat | undefined;
  readonly model: string;
  readonly events: number;
  /** violation if any checker found one; else unknown if any could not decide; else ok. */
  readonly verdict: Outcome;
  readonly outcomes: Partial<Record<CheckerName, Outcome>>;
  readonly lin?: Omit<LinearizabilityResult, 'partitions'> & { keys: number };
  readonly session?: SessionResult;
  readonly causal?: CausalResult;
  readonly stale?: StaleReport;
}

interface CheckOptions {
  format?: string;
  model?: string;
  checker: string;
  out: string;
  timeLimit: string;
}

/** `geolab check HISTORY`: verdicts and witnesses on the terminal and in check.json. */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'check a history: linearizability, session guarantees, causal consistency, staleness',
    )
    .argument('<history>', 'a history: JSON Lines, Jepsen EDN or Jepsen log lines')
    .option('--format <format>', 'jsonl, edn or log (default: detected from the first line)')
    .option('--model <model>', 'register, cas-register or kv (default: from the history)')
    .option('--checker <list>', `comma-separated, of ${CHECKERS.join(', ')}`, CHECKERS.join(','))
    .option('--out <file>', 'where to write the verdicts as JSON', 'check.json')
    .option('--time-limit <duration>', 'budget of the linearizability search, e.g. 10s', '30s')
    .action((file: string, options: CheckOptions) => {
      const text = readText(file);
      const format = chooseFormat(options.format, text);
      const checkers = chooseCheckers(options.checker);
      const timeLimitMs = parseDuration(options.timeLimit);
      if (timeLimitMs === undefined || timeLimitMs <= 0) {
        throw new InputError(
          `--time-limit: "${options.timeLimit}" is not a duration such as 500ms or 10s`,
        );
      }
      const report = asInput(file, () => {
        const { ops, lines } = readHistory(text, format);
        const model =
          options.model === undefined ? defaultModel(ops, format) : modelNamed(options.model);
        return runCheckers(file, ops, lines, { format, model, checkers, timeLimitMs });
      });
      process.stdout.write(`${formatReport(report)}\n`);
      try {
        writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
      } catch (e) {
        throw new InputError(`--out ${options.out}: cannot write (${(e as Error).message})`);
      }
      if (report.verdict === 'violation') process.exitCode = EXIT_CHECK_FAILED;
    });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code;
    throw new InputError(`${file}: cannot read the history: ${why ?? (e as Error).message}`);
  }
}

/** `log` and `edn` as users say them; an EDN file may hold a vector or one map per line. */
function chooseFormat(name: string | undefined, text: string): HistoryFormat | undefined {
  const detected = detectFormat(text);
  switch (name) {
    case undefined:
      return detected;
    case 'jsonl':
      return 'jsonl';
    case 'edn':
    case 'edn-lines':
      return detected === 'edn-lines' ? 'edn-lines' : 'edn';
    case 'log':
    case 'jepsen-log':
      return 'jepsen-log';
    default:
      throw new InputError(`--format: unknown format "${name}" (expected jsonl, edn or log)`);
  }
}

function chooseCheckers(list: string): CheckerName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) {
    if (!(CHECKERS as readonly string[]).includes(n)) {
      throw new InputError(`--checker: unknown checker "${n}" (expected ${CHECKERS.join(', ')})`);
    }
  }
  if (names.length === 0)
    throw new InputError(`--checker: name at least one of ${CHECKERS.join(', ')}`);
  return names as CheckerName[];
}

/** A malformed history or an unknown model is the user's input: one line, exit 2. */
function asInput<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof HistoryError) throw new InputError(`${file}: ${e.message}`);
    if (e instanceof RangeError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

interface RunOptions {
  readonly format: HistoryFormat | undefined;
  readonly model: SomeModel;
  readonly checkers: readonly CheckerName[];
  readonly timeLimitMs: number;
}

/** Runs the chosen checkers over one parsed history. */
export function runCheckers(
  file: string,
  ops: readonly HistoryOp[],
  lines: readonly number[],
  options: RunOptions,
): CheckReport {
  const model = options.model.name;
  const outcomes: Partial<Record<CheckerName, Outcome>> = {};
  const parts: Partial<Omit<CheckReport, 'schema'>> = {};
  const run = new Set(options.checkers);
  if (run.has('lin')) {
    const { partitions, ...lin } = checkLinearizability(ops, options.model, {
      lines,
      timeLimitMs: options.timeLimitMs,
    });
    outcomes.lin =
      lin.verdict === 'linearizable' ? 'ok' : lin.verdict === 'unknown' ? 'unknown' : 'violation';
    Object.assign(parts, { lin: { ...lin, keys: partitions.length } });
  }
  if (run.has('session')) {
    const session = checkSessions(ops, { model, lines });
    outcomes.session = session.verdict;
    Object.assign(parts, { session });
  }
  if (run.has('causal')) {
    const causal = checkCausal(ops, { model, lines });
    outcomes.causal = causal.verdict === 'causal' ? 'ok' : causal.verdict;
    Object.assign(parts, { causal });
  }
  if (run.has('stale')) {
    const { reads, ...staleness } = measureStaleness(ops, { model, lines });
    const lostWrites = findLostWrites(ops, { model, lines });
    const convergence = measureConvergence(ops, { model, lines });
    const staleReads = reads.filter((r) => r.versionsBehind > 0);
    outcomes.stale =
      lostWrites.verdict === 'lost' || convergence.verdict === 'diverged'
        ? 'violation'
        : lostWrites.verdict === 'unknown'
          ? 'unknown'
          : 'ok';
    Object.assign(parts, {
      stale: { staleness: { ...staleness, staleReads }, lostWrites, convergence },
    });
  }
  const all = Object.values(outcomes);
  const verdict: Outcome = all.includes('violation')
    ? 'violation'
    : all.includes('unknown')
      ? 'unknown'
      : 'ok';
  return {
    schema: CHECK_SCHEMA,
    history: file,
    format: options.format,
    model,
    events: ops.length,
    verdict,
    outcomes,
    ...parts,
  };
}

/** The report as a person reads it: each checker's verdict, then its witnesses. */
export function formatReport(report: CheckReport): string {
  const out = [`${report.history}: ${report.events} events, model ${report.model}`];
  if (report.lin) {
    const lin = report.lin;
    out.push(
      lin.witness
        ? formatWitness(lin.witness)
        : `${lin.verdict === 'unknown' ? 'linearizability: unknown (the time limit ran out)' : 'linearizable'} ` +
            `(model ${lin.model}, ${lin.keys} key(s), ${Math.round(lin.elapsedMs)}ms)`,
    );
  }
  if (report.session) out.push(formatSessions(report.session));
  if (report.causal) out.push(formatCausal(report.causal));
  if (report.stale) {
    out.push(
      formatStaleness({ ...report.stale.staleness, reads: report.stale.staleness.staleReads }),
      formatLostWrites(report.stale.lostWrites),
      formatConvergence(report.stale.convergence),
    );
  }
  out.push(`verdict: ${report.verdict}`);
  return out.join('\n');
}
