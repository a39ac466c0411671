/**
 * Linearizability of a long history, one key window at a time, streamed from its JSON Lines
 * file: for soaks, whose history does not fit a single search. The workload starts a fresh
 * key space every window (live-workload's `keyWindowMs`, Jepsen's independent keys), so
 * each key's whole history lies in one window and the windows are checked alone: sound by
 * P-compositionality, and memory bounded by one window's ops. A window is checked once a
 * newer one has begun (no op can be invoked in it any more) and every op invoked in it has
 * completed (ok, fail, or info on a timeout): no assumption about how late a completion may
 * come. The newest window is left open to the end of the file, for the final reads of its keys.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { defaultModel, formatWitness } from '../checker/linearizability';
import { checkLinearizability } from '../checker/linearizability/check';
import { keyWindowOf } from '../workload/key-windows';
import { HistoryError, opFromJson, type HistoryOp } from '../workload/history';

export interface WindowCheckOptions {
  /** The search budget for each window; a key it does not reach is `unknown`. */
  readonly timeLimitMsPerWindow?: number;
  /** Or this many search steps per window (deterministic, for tests). */
  readonly maxStepsPerWindow?: number;
  /** Witnesses kept, at most (the first non-linearizable keys). */
  readonly witnesses?: number;
}

export interface WindowCheckResult {
  readonly windows: number;
  /** Keys by verdict, over every window. */
  readonly keys: {
    readonly linearizable: number;
    readonly notLinearizable: number;
    readonly unknown: number;
  };
  /** Client ops (invocations) checked. */
  readonly ops: number;
  /** The most ops any one window held: the checker's memory bound. */
  readonly largestWindowOps: number;
  readonly checkMs: number;
  readonly witnesses: string[];
}

/** Checks `file` (history.jsonl) window by window; throws HistoryError on a malformed line. */
export async function checkWindows(
  file: string,
  options: WindowCheckOptions = {},
): Promise<WindowCheckResult> {
  const open = new Map<
    number,
    { ops: HistoryOp[]; lines: number[]; invoked: number; pending: number }
  >();
  const keys = { linearizable: 0, notLinearizable: 0, unknown: 0 };
  const witnesses: string[] = [];
  let windows = 0;
  let ops = 0;
  let largest = 0;
  let checkMs = 0;
  let newest = -1;

  const check = (n: number): void => {
    const window = open.get(n);
    open.delete(n);
    if (window === undefined) return;
    windows++;
    largest = Math.max(largest, window.invoked);
    const started = performance.now();
    const result = checkLinearizability(window.ops, defaultModel(window.ops, 'jsonl'), {
      timeLimitMs: options.timeLimitMsPerWindow ?? 10_000,
      maxSteps: options.maxStepsPerWindow,
      lines: window.lines,
    });
    checkMs += performance.now() - started;
    for (const p of result.partitions) {
      if (p.verdict === 'linearizable') keys.linearizable++;
      else if (p.verdict === 'unknown') keys.unknown++;
      else {
        keys.notLinearizable++;
        if (p.witness !== undefined && witnesses.length < (options.witnesses ?? 3)) {
          witnesses.push(`window ${n}: ${formatWitness(p.witness)}`);
        }
      }
    }
  };

  let line = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const raw of lines) {
    line++;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new HistoryError(line, `not JSON (${(e as Error).message})`);
    }
    const op = opFromJson(json, line);
    const n = typeof op.key === 'string' ? keyWindowOf(op.key) : undefined;
    if (n !== undefined) {
      newest = Math.max(newest, n);
      let window = open.get(n);
      if (window === undefined)
        open.set(n, (window = { ops: [], lines: [], invoked: 0, pending: 0 }));
      window.ops.push(op);
      window.lines.push(line);
      if (op.type === 'invoke') {
        ops++;
        window.invoked++;
        window.pending++;
      } else window.pending--;
    }
    for (const [w, window] of open) if (w < newest && window.pending <= 0) check(w);
  }
  for (const w of [...open.keys()].sort((a, b) => a - b)) check(w);
  return { windows, keys, ops, largestWindowOps: largest, checkMs, witnesses };
}
