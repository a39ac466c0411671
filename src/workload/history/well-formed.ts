import { HistoryError } from './error';
import { isClient, type HistoryOp, type ProcessId } from './op';

/**
 * Checks what makes a list of events a history, whatever format it came from: each client
 * process has at most one op in flight, every completion follows an invocation of the same
 * function (and key) on that process, and time never goes backwards. `lines[i]` is where event `i` was
 * read (its index + 1 when omitted).
 */
export function checkWellFormed(ops: readonly HistoryOp[], lines?: readonly number[]): void {
  const lineOf = (i: number): number => lines?.[i] ?? i + 1;
  const inFlight = new Map<ProcessId, number>();
  let previousTime = -Infinity;
  ops.forEach((op, i) => {
    if (op.time < previousTime) {
      throw new HistoryError(
        lineOf(i),
        `time ${op.time} is before the previous event's ${previousTime} ` +
          '(a history lists its events in the order they happened)',
      );
    }
    previousTime = op.time;
    if (!isClient(op)) return;
    const open = inFlight.get(op.process);
    if (op.type === 'invoke') {
      if (open !== undefined) {
        throw new HistoryError(
          lineOf(i),
          `process ${op.process} invokes ${op.f} while its ${ops[open].f} from line ` +
            `${lineOf(open)} has not completed (a process runs one op at a time)`,
        );
      }
      inFlight.set(op.process, i);
      return;
    }
    if (open === undefined) {
      throw new HistoryError(
        lineOf(i),
        `${op.type} ${op.f} of process ${op.process} completes an op that was never invoked`,
      );
    }
    if (ops[open].f !== op.f) {
      throw new HistoryError(
        lineOf(i),
        `${op.type} ${op.f} of process ${op.process} completes the ${ops[open].f} ` +
          `invoked on line ${lineOf(open)} (expected f ${ops[open].f})`,
      );
    }
    if (ops[open].key !== op.key) {
      throw new HistoryError(
        lineOf(i),
        `${op.type} ${op.f} of process ${op.process} has key ${String(op.key)} but its ` +
          `invocation on line ${lineOf(open)} has key ${String(ops[open].key)}`,
      );
    }
    inFlight.delete(op.process);
  });
}
