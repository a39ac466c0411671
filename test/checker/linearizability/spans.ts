import type { HistoryOp, Key, Value } from '../../../src/workload/history';

/**
 * A client op drawn as an interval, to write small histories by hand:
 * `span(0, 'write', 1, 0, 10)` is process 0 writing 1 from t=0 to t=10.
 */
export interface Span {
  readonly process: number;
  readonly f: string;
  /** The invocation's value: what a write writes, [expected, new] for a cas, null for a read. */
  readonly value: Value;
  readonly from: number;
  /** Completion time; null: never completed (the history ends first). */
  readonly to: number | null;
  readonly type?: 'ok' | 'fail' | 'info';
  /** The completion's value when it differs (what a read returned). */
  readonly result?: Value;
  readonly error?: string;
  readonly key?: Key;
}

export function write(process: number, value: Value, from: number, to: number | null): Span {
  return { process, f: 'write', value, from, to };
}

export function read(process: number, result: Value, from: number, to: number | null): Span {
  return { process, f: 'read', value: null, result, from, to };
}

export function cas(
  process: number,
  expected: Value,
  value: Value,
  from: number,
  to: number | null,
): Span {
  return { process, f: 'cas', value: [expected, value], from, to };
}

/** The events of `spans`, in time order (at equal times, completions before invocations). */
export function history(...spans: Span[]): HistoryOp[] {
  const events: { op: HistoryOp; rank: number }[] = [];
  for (const s of spans) {
    const base = { process: s.process, f: s.f, ...(s.key === undefined ? {} : { key: s.key }) };
    events.push({ op: { ...base, type: 'invoke', value: s.value, time: s.from }, rank: 1 });
    if (s.to === null) continue;
    const completion: HistoryOp = {
      ...base,
      type: s.type ?? 'ok',
      value: s.result !== undefined ? s.result : s.value,
      time: s.to,
      ...(s.error === undefined ? {} : { error: s.error }),
    };
    events.push({ op: completion, rank: 0 });
  }
  return events
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.op.time - b.op.time || a.rank - b.rank || a.i - b.i)
    .map((e) => e.op);
}
