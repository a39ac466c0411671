import { checkWellFormed, type HistoryOp, type Key } from '../../workload/history';
import type { Model } from './model';
import { collectOperations } from './operations';
import { searchLinearization, type Budget } from './search';
import { buildWitness, DEFAULT_WITNESS_LIMITS, type Witness, type WitnessLimits } from './witness';

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface CheckOptions {
  /** Give up with `unknown` after this long (ms of `clock`); default 30 s. */
  readonly timeLimitMs?: number;
  /** Give up with `unknown` after this many search steps: deterministic, for tests. */
  readonly maxSteps?: number;
  /** Milliseconds; default `performance.now`. */
  readonly clock?: () => number;
  /** The line each history event came from, so witnesses can point into the file. */
  readonly lines?: readonly number[];
  readonly witnessLimits?: WitnessLimits;
}

export interface PartitionResult {
  readonly key: Key | undefined;
  readonly verdict: Verdict;
  /** Ops the model kept (failed ops and reads without a result are dropped). */
  readonly ops: number;
  readonly steps: number;
  readonly witness?: Witness;
}

export interface LinearizabilityResult {
  /** not-linearizable if any key is; else unknown if the budget ran out on any; else linearizable. */
  readonly verdict: Verdict;
  readonly model: string;
  readonly partitions: PartitionResult[];
  readonly steps: number;
  readonly elapsedMs: number;
  /** The first failing key's witness. */
  readonly witness?: Witness;
}

export const DEFAULT_TIME_LIMIT_MS = 30_000;

/**
 * Is `history` linearizable with respect to `model`? Each of the model's partitions (keys) is
 * checked alone (P-compositionality: Herlihy & Wing 1990, Horn & Kroening 2015), all within one
 * budget; a key the budget does not reach is `unknown`, never guessed. Throws HistoryError
 * when `history` is not well formed.
 */
export function checkLinearizability<S, I, O>(
  history: readonly HistoryOp[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): LinearizabilityResult {
  checkWellFormed(history, options.lines);
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const budget: Budget = {
    steps: options.maxSteps ?? Infinity,
    deadline: started + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS),
    clock,
  };
  const partitions = collectOperations(history, model, options.lines).map(
    ({ key, ops }): PartitionResult => {
      if (budget.steps <= 0 || clock() > budget.deadline) {
        return { key, verdict: 'unknown', ops: ops.length, steps: 0 };
      }
      const result = searchLinearization(ops, model, budget);
      const base = { key, verdict: result.verdict, ops: ops.length, steps: result.steps };
      if (result.verdict !== 'not-linearizable') return base;
      const limits = options.witnessLimits ?? DEFAULT_WITNESS_LIMITS;
      const witness = buildWitness(key, ops, model, result.deadEnd, options.lines, limits);
      return { ...base, witness };
    },
  );
  const failing = partitions.find((p) => p.verdict === 'not-linearizable');
  const verdict: Verdict = failing
    ? 'not-linearizable'
    : partitions.some((p) => p.verdict === 'unknown')
      ? 'unknown'
      : 'linearizable';
  return {
    verdict,
    model: model.name,
    partitions,
    steps: partitions.reduce((sum, p) => sum + p.steps, 0),
    elapsedMs: clock() - started,
    ...(failing?.witness ? { witness: failing.witness } : {}),
  };
}
