import { Keyword, type Edn } from './edn';
import { printEdn } from './edn-print';
import { readEdn } from './edn-read';
import { ednToValue, isKeywordName, valueToEdn } from './edn-value';
import { HistoryError } from './error';
import type { ParsedHistory } from './jsonl';
import { CAS_MISMATCH, OP_TYPES, type HistoryOp, type OpType, type ProcessId } from './op';
import { checkWellFormed } from './well-formed';

/**
 * Jepsen's log lines, as `jepsen.util/log-op` wrote them and as Porcupine's etcd test data holds
 * them: `INFO  jepsen.util - PROC\t:TYPE\t:F\tVALUE`. The format has no times and no keys.
 *
 * Semantics (Porcupine's `parseJepsenLog` and its etcd model):
 * - `:fail :cas [from to]` ran and found the register not holding `from`: it becomes a `fail`
 *   with `error: 'cas-mismatch'`, an observation the checker keeps;
 * - a completion whose value is a keyword (`:fail :read :timed-out`, `:info :write :timed-out`)
 *   carries no result: the keyword becomes `error`, and `value` repeats the invocation's.
 */
const LOG_LINE = /jepsen\.util[^\t]*?[-:]\s+(\S+)\t:(\S+)\t:(\S+)\t(.*)$/;
const LOG_PREFIX = 'INFO  jepsen.util - ';

/** Reads Jepsen log lines; lines of other loggers are skipped, `time` is the event's position. */
export function parseJepsenLog(text: string): ParsedHistory {
  const ops: HistoryOp[] = [];
  const lines: number[] = [];
  const invoked = new Map<ProcessId, HistoryOp>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const source = raw.trimEnd();
    if (!source.includes('jepsen.util')) return;
    const m = LOG_LINE.exec(source);
    if (!m) {
      throw new HistoryError(line, `expected "${LOG_PREFIX}PROCESS\\t:TYPE\\t:F\\tVALUE"`);
    }
    const [, processText, type, f, valueText] = m;
    const process: ProcessId = /^\d+$/.test(processText)
      ? Number(processText)
      : processText.replace(/^:/, '');
    if (!(OP_TYPES as readonly string[]).includes(type)) {
      throw new HistoryError(
        line,
        `unknown op type :${type} (expected :invoke, :ok, :fail, :info)`,
      );
    }
    const value = readValue(valueText, line);
    let op: HistoryOp = {
      process,
      type: type as OpType,
      f,
      value: ednToValue(value),
      time: ops.length,
    };
    if (type === 'invoke') {
      invoked.set(process, op);
    } else if (type !== 'ok') {
      const invocation = invoked.get(process);
      if (value instanceof Keyword) {
        op = { ...op, value: invocation?.value ?? null, error: value.name };
      } else if (type === 'fail' && f === 'cas') {
        op = { ...op, error: CAS_MISMATCH };
      }
    }
    ops.push(op);
    lines.push(line);
  });
  checkWellFormed(ops, lines);
  return { ops, lines };
}

function readValue(text: string, line: number): Edn {
  let forms;
  try {
    forms = readEdn(text);
  } catch (e) {
    const problem = e instanceof HistoryError ? e.problem : String(e);
    throw new HistoryError(line, `bad value ${JSON.stringify(text)}: ${problem}`);
  }
  if (forms.length !== 1) {
    throw new HistoryError(
      line,
      `expected one EDN value after the function, got ${JSON.stringify(text)}`,
    );
  }
  return forms[0].value;
}

/**
 * Writes Jepsen log lines. A `fail` that is not a cas mismatch and an `info` are written with a
 * keyword (their `error` when it is one, else `:failed` / `:timed-out`), so that Porcupine reads
 * them as "no result" rather than as an observed value.
 */
export function formatJepsenLog(ops: readonly HistoryOp[]): string {
  return ops
    .map((op) => {
      if (op.key !== undefined) {
        throw new RangeError(
          `Jepsen log lines have no keys but process ${op.process}'s ${op.f} has key ` +
            `${JSON.stringify(op.key)}: export a keyed history as EDN`,
        );
      }
      return `${LOG_PREFIX}${logProcess(op.process)}\t:${op.type}\t:${op.f}\t${logValue(op)}\n`;
    })
    .join('');
}

function logProcess(p: ProcessId): string {
  return typeof p === 'number' ? String(p) : `:${p}`;
}

function logValue(op: HistoryOp): string {
  if (op.type === 'invoke' || op.type === 'ok') return printEdn(valueToEdn(op.value));
  if (op.type === 'fail' && op.error === CAS_MISMATCH) return printEdn(valueToEdn(op.value));
  if (typeof op.error === 'string' && isKeywordName(op.error)) return `:${op.error}`;
  return op.type === 'fail' ? ':failed' : ':timed-out';
}
