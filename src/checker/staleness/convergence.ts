import { sameValue, type HistoryOp, type Value } from '../../workload/history';
import { registerSemantics, type OpRef, completedOps, opRef, type CompletedOp } from '../causal';
import { lastFault, type LastFault } from './faults';
import { keyHistories } from './final-reads';

export interface KeyConvergence {
  readonly key: string;
  /** Regions (or processes, when ops name no region) that read the key once it was quiet. */
  readonly readers: string[];
  /** When the key became quiet: after the last fault and the completion of its last write. */
  readonly quietFrom: number;
  /** The value every reader ended with; undefined when they disagree. */
  readonly value?: Value;
  /**
   * ms after `quietFrom` until the last reader completed its first read of `value` (after which
   * it read nothing else); 0 when every reader returned it from its first quiet read.
   */
  readonly convergenceMs?: number;
  /** When readers disagree: each one's last read. */
  readonly divergent?: OpRef[];
}

export interface ConvergenceResult {
  /** `unknown` when no key was read by anyone once quiet. */
  readonly verdict: 'converged' | 'diverged' | 'unknown';
  readonly lastFault: LastFault | null;
  /** The largest convergence time over keys. */
  readonly convergenceMs: number | null;
  readonly keys: KeyConvergence[];
}

export interface ConvergenceOptions {
  readonly model?: string;
  readonly lines?: readonly number[];
}

/**
 * Do all replicas agree once faults are healed and writes are over, and how long did they take?
 * Each region's (or process's) reads of a key after it became quiet are what that replica shows;
 * they agree when every reader's last read returns the same value. A set's reads are compared
 * as sets.
 */
export function measureConvergence(
  history: readonly HistoryOp[],
  options: ConvergenceOptions = {},
): ConvergenceResult {
  const fault = lastFault(history, options.lines);
  const keys: KeyConvergence[] = [];
  const initial = registerSemantics(options.model).initial;
  for (const key of keyHistories(completedOps(history), fault?.time ?? 0, initial, options.lines)) {
    // A register whose values repeat may show one value for two states: nothing to compare.
    if (key.finalReads.length === 0 || key.untraceable !== undefined) continue;
    const byReader = new Map<string, CompletedOp[]>();
    for (const r of key.finalReads) {
      const reader = r.region ?? String(r.process);
      const list = byReader.get(reader);
      if (list === undefined) byReader.set(reader, [r]);
      else list.push(r);
    }
    const lasts = [...byReader.values()].map((reads) => reads[reads.length - 1]);
    const value = lasts[0].result as Value;
    const readers = [...byReader.keys()];
    const base = { key: key.keyId, readers, quietFrom: key.quietFrom };
    if (!lasts.every((r) => sameRead(r.result as Value, value))) {
      keys.push({ ...base, divergent: lasts.map((r) => opRef(r, options.lines)) });
      continue;
    }
    let convergedAt = key.quietFrom;
    for (const reads of byReader.values()) {
      let first = reads.length - 1;
      while (first > 0 && sameRead(reads[first - 1].result as Value, value)) first--;
      if (first > 0) convergedAt = Math.max(convergedAt, reads[first].ret);
    }
    keys.push({ ...base, value, convergenceMs: convergedAt - key.quietFrom });
  }
  const diverged = keys.some((k) => k.divergent !== undefined);
  const times = keys.flatMap((k) => (k.convergenceMs === undefined ? [] : [k.convergenceMs]));
  return {
    verdict: diverged ? 'diverged' : keys.length === 0 ? 'unknown' : 'converged',
    lastFault: fault,
    convergenceMs: times.length === 0 ? null : Math.max(...times),
    keys,
  };
}

/** Equal reads; lists are compared as sets, since a set's read lists its elements in any order. */
function sameRead(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sorted = (x: readonly Value[]): string[] => x.map((v) => JSON.stringify(v)).sort();
    return sameValue(sorted(a), sorted(b));
  }
  return sameValue(a, b);
}
