import { checkLinearizability, modelNamed, type Verdict } from '../../checker/linearizability';
import { findLostWrites, type LostWrite } from '../../checker/staleness';
import { isClient, type HistoryOp } from '../../workload/history';

/**
 * The verdict on one replica-crash run, from its history alone (pure, so that a test can hand
 * it a history with an acknowledged append deliberately missing): every append acknowledged
 * to a client must be in the final read of its list from every region, and the whole history
 * (the clients' ops, then the final reads) must be linearizable for geolab's `store` model.
 */
export interface CrashCheck {
  /** Appends acknowledged (ok) to a client during the run. */
  readonly acknowledged: number;
  /** Acknowledged appends missing from some region's final read of their list. */
  readonly lost: readonly LostAppend[];
  /** `region key` pairs with acknowledged appends but no successful final read: not judged. */
  readonly unread: readonly string[];
  readonly linearizability: Verdict;
}

export interface LostAppend {
  readonly region: string;
  readonly key: string;
  /** The acknowledged element that is gone. */
  readonly value: unknown;
}

/**
 * `history` is the clients' ops (and any nemesis markers, `process` not a number);
 * `finalReads` are the reads of every key from every region once the cluster settled.
 */
export function checkCrashRun(
  history: readonly HistoryOp[],
  finalReads: readonly HistoryOp[],
  options: { readonly timeLimitMs?: number } = {},
): CrashCheck {
  const regions = [...new Set(finalReads.map((op) => op.region ?? ''))].sort();
  const lost: LostAppend[] = [];
  const unread: string[] = [];
  let acknowledged = 0;
  for (const region of regions) {
    // Lost writes are judged by a key's last final read: one region's reads at a time, so
    // that every region's copy is judged, not only whichever read came last.
    const own = finalReads.filter((op) => (op.region ?? '') === region);
    const result = findLostWrites([...history, ...own], { model: 'store' });
    acknowledged = result.acknowledged;
    for (const l of result.lost) lost.push(lostAppend(region, l, history));
    for (const key of result.withoutFinalRead) unread.push(`${region} ${keyName(key)}`);
  }
  if (regions.length === 0) {
    acknowledged = history.filter((op) => op.type === 'ok' && op.f === 'append').length;
    if (acknowledged > 0) unread.push('no final reads');
  }
  // Regions read at once: their reads interleave in time, which the checker requires in order.
  const clients = [...history, ...finalReads].filter(isClient).sort((a, b) => a.time - b.time);
  const linearizability = checkLinearizability(clients, modelNamed('store'), {
    timeLimitMs: options.timeLimitMs ?? 30_000,
  }).verdict;
  return { acknowledged, lost, unread, linearizability };
}

function lostAppend(region: string, l: LostWrite, history: readonly HistoryOp[]): LostAppend {
  // OpRef.index is the invocation's position in what findLostWrites got: `history` first.
  const op = history[l.write.index] as HistoryOp | undefined;
  return { region, key: keyName(l.key), value: op?.value ?? null };
}

/** The checkers name a key by its JSON (`"k0"`, or `3` for a number key). */
function keyName(keyId: string): string {
  try {
    return String(JSON.parse(keyId));
  } catch {
    return keyId;
  }
}
