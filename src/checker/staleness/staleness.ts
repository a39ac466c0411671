import { sameValue, type HistoryOp, type Value } from '../../workload/history';
import type { OpRef } from '../causal';
import { registerSemantics } from '../causal';
import { completedOps, isRead, opRef, writtenValue, type CompletedOp } from '../causal';
import { COLLECTION_FUNCTIONS, keyHistories } from './final-reads';
import { distribution, type Distribution } from './summary';

/** How far behind one read was (Bailis et al., PBS, PVLDB 2012). */
export interface ReadStaleness {
  readonly read: OpRef;
  /** The write it returned; null for the initial value or a value nobody wrote. */
  readonly observed: OpRef | null;
  /**
   * k-staleness: how many acknowledged writes of the key, completed before the read began,
   * certainly superseded what it returned (each was invoked after that write completed; for
   * the initial value, all of them). 0 is fresh.
   */
  readonly versionsBehind: number;
  /** t-visibility: ms from the newest write that completed before the read began, to the read. */
  readonly msAfterNewest: number | null;
  /** For a stale read: how long (ms) the value it returned had been superseded. */
  readonly staleForMs: number | null;
}

/** The empirical t-visibility: reads issued at least `ms` after a commit were fresh with probability ≥ p. */
export interface TVisibility {
  readonly p: number;
  readonly ms: number | null;
}

export interface StalenessSummary {
  readonly reads: number;
  readonly stale: number;
  readonly staleFraction: number;
  /** How many reads were k versions behind, for each k seen. */
  readonly versionsBehind: Readonly<Record<string, number>>;
  readonly staleForMs: Distribution | null;
  readonly msAfterNewest: Distribution | null;
  readonly tVisibility: TVisibility[];
}

export interface StalenessResult {
  readonly verdict: 'measured' | 'not-applicable';
  readonly summary: StalenessSummary;
  /** Every read of a register key, key by key, in completion order. */
  readonly reads: ReadStaleness[];
  /** Keys not measured: values repeat, or a list or set rather than a register. */
  readonly skipped: { readonly key: string; readonly reason: string }[];
}

export interface StalenessOptions {
  readonly model?: string;
  readonly lines?: readonly number[];
}

const T_VISIBILITY_QUANTILES = [0.5, 0.9, 0.99, 0.999];

/**
 * k-staleness and t-visibility of every successful read of a register history with unique
 * values, measured the only way a client can: against writes that were acknowledged before the
 * read was invoked. A stale read (k ≥ 1) is also a linearizability violation (causal.md).
 */
export function measureStaleness(
  history: readonly HistoryOp[],
  options: StalenessOptions = {},
): StalenessResult {
  const initial = registerSemantics(options.model).initial;
  const reads: ReadStaleness[] = [];
  const skipped: StalenessResult['skipped'] = [];
  for (const key of keyHistories(completedOps(history), 0, initial, options.lines)) {
    // A list or set's reads are not one write's value: PBS's versions are a register's.
    const collection = key.ops.find((op) => COLLECTION_FUNCTIONS.includes(op.f));
    const untraceable =
      key.untraceable ?? (collection ? `${collection.f} makes it a collection` : undefined);
    if (untraceable !== undefined) {
      skipped.push({ key: key.keyId, reason: untraceable });
      continue;
    }
    const source = new Map<string, CompletedOp>();
    const writes: CompletedOp[] = [];
    for (const op of key.ops) {
      const unknown = op.type === 'info' && (op.f === 'write' || op.f === 'put');
      const value = writtenValue(op) ?? (unknown ? op.argument : undefined);
      if (value === undefined) continue;
      source.set(JSON.stringify(value), op);
      if (op.type === 'ok') writes.push(op);
    }
    writes.sort((a, b) => a.ret - b.ret);
    for (const op of key.ops) {
      if (!isRead(op) || op.type !== 'ok' || op.result === undefined) continue;
      reads.push(measureRead(op, { writes, source }, initial, options.lines));
    }
  }
  return {
    verdict: skipped.length > 0 && reads.length === 0 ? 'not-applicable' : 'measured',
    summary: summarize(reads),
    reads,
    skipped,
  };
}

function measureRead(
  read: CompletedOp,
  key: { writes: CompletedOp[]; source: Map<string, CompletedOp> },
  initial: Value,
  lines: readonly number[] | undefined,
): ReadStaleness {
  const writes = key.writes;
  // Writes acknowledged before the read began: a prefix of `writes` (sorted by completion).
  const completed = countBefore(writes, read.call);
  const newest = completed > 0 ? writes[completed - 1] : undefined;
  const value = read.result as Value;
  const observed = sameValue(value, initial) ? undefined : key.source.get(JSON.stringify(value));
  let versionsBehind = 0;
  let supersededAt = Infinity;
  if (sameValue(value, initial)) {
    versionsBehind = completed;
    if (completed > 0) supersededAt = writes[0].ret;
  } else if (observed !== undefined && observed.ret < read.call) {
    for (let i = countBefore(writes, observed.ret) + 1; i < completed; i++) {
      if (writes[i].call <= observed.ret) continue;
      versionsBehind++;
      supersededAt = Math.min(supersededAt, writes[i].ret);
    }
  }
  return {
    read: opRef(read, lines),
    observed: observed === undefined ? null : opRef(observed, lines),
    versionsBehind,
    msAfterNewest: newest === undefined ? null : read.call - newest.ret,
    staleForMs: versionsBehind > 0 ? read.call - supersededAt : null,
  };
}

/** How many of `writes` (sorted by completion) completed before `time`. */
function countBefore(writes: readonly CompletedOp[], time: number): number {
  let lo = 0;
  let hi = writes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (writes[mid].ret < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function summarize(reads: readonly ReadStaleness[]): StalenessSummary {
  const stale = reads.filter((r) => r.versionsBehind > 0);
  const versionsBehind: Record<string, number> = {};
  for (const r of reads)
    versionsBehind[r.versionsBehind] = (versionsBehind[r.versionsBehind] ?? 0) + 1;
  const timed = reads.filter((r) => r.msAfterNewest !== null);
  return {
    reads: reads.length,
    stale: stale.length,
    staleFraction: reads.length === 0 ? 0 : stale.length / reads.length,
    versionsBehind,
    staleForMs: distribution(stale.map((r) => r.staleForMs as number)),
    msAfterNewest: distribution(timed.map((r) => r.msAfterNewest as number)),
    tVisibility: tVisibility(timed),
  };
}

/**
 * PBS's t-visibility from observations: for each p, the least t such that, of the reads issued
 * t ms or more after the newest acknowledged write, a fraction ≥ p were fresh.
 */
function tVisibility(timed: readonly ReadStaleness[]): TVisibility[] {
  const sorted = [...timed].sort(
    (a, b) => (a.msAfterNewest as number) - (b.msAfterNewest as number),
  );
  const freshFrom = new Array<number>(sorted.length + 1).fill(0);
  for (let i = sorted.length - 1; i >= 0; i--) {
    freshFrom[i] = freshFrom[i + 1] + (sorted[i].versionsBehind === 0 ? 1 : 0);
  }
  return T_VISIBILITY_QUANTILES.map((p) => {
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i].msAfterNewest === sorted[i - 1].msAfterNewest) continue;
      if (freshFrom[i] / (sorted.length - i) >= p) return { p, ms: sorted[i].msAfterNewest };
    }
    return { p, ms: null };
  });
}
