import { sameValue, type HistoryOp, type Value } from '../../workload/history';
import {
  registerSemantics,
  type OpRef,
  completedOps,
  opRef,
  writtenValue,
  type CompletedOp,
} from '../causal';
import { lastFault, type LastFault } from './faults';
import { COLLECTION_FUNCTIONS, keyHistories, type KeyHistory } from './final-reads';

export interface LostWrite {
  readonly key: string;
  /** The acknowledged write (or add, or append) whose effect is gone. */
  readonly write: OpRef;
  /** The final read that reflects neither it nor anything ordered after it. */
  readonly finalRead: OpRef;
  /** For a register: the write the final read returned (null: the initial value). */
  readonly finalWrite?: OpRef | null;
}

export interface LostWritesResult {
  /** `unknown` when some key with acknowledged writes has no final read to judge by. */
  readonly verdict: 'ok' | 'lost' | 'unknown';
  readonly acknowledged: number;
  readonly lost: LostWrite[];
  /** Keys with acknowledged writes and no read once faults and writes were over. */
  readonly withoutFinalRead: string[];
  /** Keys whose reads cannot be traced to writes (values repeat, appends mixed with puts): not judged. */
  readonly skipped: { readonly key: string; readonly reason: string }[];
  readonly lastFault: LastFault | null;
}

export interface LostWritesOptions {
  readonly model?: string;
  readonly lines?: readonly number[];
}

/**
 * Acknowledged writes that are gone, the Jepsen way: after the last fault and once no write of
 * the key is in flight, the key's last read must reflect every acknowledged write or something
 * ordered after it. For a set (`add`) or list (`append`) every acknowledged element must be in
 * that read; for a register, a value overwritten by a later or concurrent write is not lost:
 * a write is lost only when the final read returns the initial value, or a write that completed
 * before it was invoked (so that one cannot be ordered after it).
 */
export function findLostWrites(
  history: readonly HistoryOp[],
  options: LostWritesOptions = {},
): LostWritesResult {
  const fault = lastFault(history, options.lines);
  const initial = registerSemantics(options.model).initial;
  const lost: LostWrite[] = [];
  const withoutFinalRead: string[] = [];
  const skipped: LostWritesResult['skipped'] = [];
  let acknowledged = 0;
  for (const key of keyHistories(completedOps(history), fault?.time ?? 0, initial, options.lines)) {
    if (key.untraceable !== undefined) {
      skipped.push({ key: key.keyId, reason: key.untraceable });
      continue;
    }
    const acked = key.ops.filter(
      (op) =>
        op.type === 'ok' && (writtenValue(op) !== undefined || COLLECTION_FUNCTIONS.includes(op.f)),
    );
    acknowledged += acked.length;
    if (acked.length === 0) continue;
    const final = key.finalReads[key.finalReads.length - 1];
    if (final === undefined) {
      withoutFinalRead.push(key.keyId);
      continue;
    }
    const ref = (op: CompletedOp): OpRef => opRef(op, options.lines);
    for (const w of acked) {
      const missing = COLLECTION_FUNCTIONS.includes(w.f)
        ? !containsElement(final.result as Value, w.argument)
        : registerLost(key, w, final, initial);
      if (missing === false) continue;
      lost.push({
        key: key.keyId,
        write: ref(w),
        finalRead: ref(final),
        ...(missing === true ? {} : { finalWrite: missing === null ? null : ref(missing) }),
      });
    }
  }
  return {
    verdict: lost.length > 0 ? 'lost' : withoutFinalRead.length > 0 ? 'unknown' : 'ok',
    acknowledged,
    lost,
    withoutFinalRead,
    skipped,
    lastFault: fault,
  };
}

/**
 * False when `w` is reflected or overwritten; otherwise the write the final read returned
 * (null for the initial value).
 */
function registerLost(
  key: KeyHistory,
  w: CompletedOp,
  final: CompletedOp,
  initial: Value,
): CompletedOp | null | false {
  const value = final.result as Value;
  if (sameValue(value, initial)) return null;
  const source = key.ops.find((op) => {
    const unknown = op.type === 'info' && (op.f === 'write' || op.f === 'put');
    const written = writtenValue(op) ?? (unknown ? op.argument : undefined);
    return written !== undefined && sameValue(written, value);
  });
  if (source === undefined || source === w) return false;
  return source.ret < w.call ? source : false;
}

/** Is `element` in a final read: an element of a list or set, or a part of a string (kv). */
function containsElement(read: Value, element: Value): boolean {
  if (Array.isArray(read)) return read.some((x: Value) => sameValue(x, element));
  if (typeof read === 'string' && typeof element === 'string') return read.includes(element);
  return false;
}
