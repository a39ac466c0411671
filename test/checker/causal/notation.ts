import type { HistoryOp, Value } from '../../../src/workload/history';

/**
 * The paper's notation as a history: sessions separated by `|`, ops `W(x,1)` and `R(x,⊥)`
 * (`⊥` is the initial value, written `null`). Each session is one process; ops run one after
 * another, session after session (real time plays no part in causal consistency).
 */
export function paperHistory(notation: string): HistoryOp[] {
  const ops: HistoryOp[] = [];
  let time = 0;
  notation.split('|').forEach((session, process) => {
    for (const [, f, key, raw] of session.matchAll(/([WR])\((\w+),([^)]+)\)/g)) {
      const value: Value = raw === '⊥' ? null : Number(raw);
      if (f === 'W') {
        ops.push({ process, type: 'invoke', f: 'write', key, value, time: time++ });
        ops.push({ process, type: 'ok', f: 'write', key, value, time: time++ });
      } else {
        ops.push({ process, type: 'invoke', f: 'read', key, value: null, time: time++ });
        ops.push({ process, type: 'ok', f: 'read', key, value, time: time++ });
      }
    }
  });
  return ops;
}
