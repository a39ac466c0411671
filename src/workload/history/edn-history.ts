import { Edn, EdnList, EdnMap, Keyword } from './edn';
import { printEdn } from './edn-print';
import { readEdn } from './edn-read';
import { ednToValue, isKeywordName, valueToEdn } from './edn-value';
import { HistoryError } from './error';
import type { ParsedHistory } from './jsonl';
import { OP_TYPES, type HistoryOp, type OpType, type ProcessId, type Value } from './op';
import { checkWellFormed } from './well-formed';

/** How a Jepsen EDN history is laid out: one vector of maps (Knossos) or a map per line. */
export type EdnLayout = 'vector' | 'lines';

const NS_PER_MS = 1e6;

/**
 * `value` as EDN for a message. The reader takes 1e999 as Infinity, as Clojure's does, and the
 * printer has no literal for it: say so rather than throw.
 */
function quote(value: Edn): string {
  try {
    return printEdn(value);
  } catch (e) {
    if (e instanceof RangeError) return 'a value holding a number out of range (such as 1e999)';
    throw e;
  }
}

/**
 * Reads a Jepsen history in EDN: a vector or list of op maps (Knossos' `data/`), or one map per
 * line (Porcupine's `test_data/kv`). Extra keys are ignored, as Jepsen allows.
 *
 * Times: Jepsen's `:time` is in nanoseconds. When every event has one and they never go
 * backwards, `time` is that in ms; otherwise `time` is the event's position, because Knossos
 * takes the order of the file, not `:time`, as the order in which things happened.
 */
export function parseEdnHistory(text: string): ParsedHistory {
  const forms = readEdn(text);
  let maps: { value: Edn; line: number }[] = forms;
  if (forms.length === 1 && (Array.isArray(forms[0].value) || forms[0].value instanceof EdnList)) {
    const outer = forms[0];
    const items = Array.isArray(outer.value) ? outer.value : (outer.value as EdnList).items;
    maps = items.map((value) => ({
      value,
      line: value instanceof EdnMap ? value.line : outer.line,
    }));
  }
  const events = maps.map(({ value, line }) => {
    if (!(value instanceof EdnMap)) {
      throw new HistoryError(line, `expected an op map {:process …, :type …}, not ${quote(value)}`);
    }
    return { map: value, line, ...eventFromMap(value, line) };
  });
  const ns = events.map((e) => e.ns ?? NaN);
  // NaN fails every comparison, so one event without :time makes the file untimed.
  const timed = ns.every((t, i) => t >= 0 && (i === 0 || t >= ns[i - 1]));
  const ops = events.map((e, i): HistoryOp => ({ ...e.op, time: timed ? ns[i] / NS_PER_MS : i }));
  const lines = events.map((e) => e.line);
  checkWellFormed(ops, lines);
  return { ops, lines };
}

function eventFromMap(m: EdnMap, line: number): { op: HistoryOp; ns: number | undefined } {
  const fail = (problem: string): never => {
    throw new HistoryError(line, problem);
  };
  const field = (name: string): Edn => {
    const v = m.get(name);
    return v === undefined ? fail(`op map has no :${name}`) : v;
  };
  const process = field('process');
  let processId: ProcessId;
  if (typeof process === 'number' && Number.isSafeInteger(process) && process >= 0) {
    processId = process;
  } else if (process instanceof Keyword || (typeof process === 'string' && process !== '')) {
    processId = process instanceof Keyword ? process.name : process;
  } else {
    processId = fail(`:process must be a non-negative integer or a keyword such as :nemesis`);
  }
  const type = field('type');
  if (!(type instanceof Keyword) || !(OP_TYPES as readonly string[]).includes(type.name)) {
    fail(`unknown op type ${quote(type)} (expected ${OP_TYPES.map((t) => ':' + t).join(', ')})`);
  }
  const f = field('f');
  if (!(f instanceof Keyword) && typeof f !== 'string') fail(`:f must be a keyword such as :read`);
  const key = m.get('key');
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    if (!(key instanceof Keyword)) fail(`:key must be a string, an integer or a keyword`);
  }
  const time = m.get('time');
  if (time !== undefined && (typeof time !== 'number' || time < 0)) {
    fail(`:time must be a non-negative number of nanoseconds`);
  }
  const index = m.get('index');
  if (index !== undefined && !(typeof index === 'number' && Number.isSafeInteger(index))) {
    fail(`:index must be an integer`);
  }
  const region = m.get('region');
  if (region !== undefined && typeof region !== 'string') fail(`:region must be a string`);
  const error = m.get('error');
  const op: HistoryOp = {
    process: processId,
    type: (type as Keyword).name as OpType,
    f: f instanceof Keyword ? f.name : (f as string),
    ...(key === undefined ? {} : { key: key instanceof Keyword ? key.name : (key as string) }),
    value: m.has('value') ? ednToValue(field('value')) : null,
    time: 0,
    ...(region === undefined ? {} : { region: region as string }),
    ...(index === undefined ? {} : { index: index as number }),
    ...(error === undefined ? {} : { error: ednToValue(error) }),
  };
  return { op, ns: time as number | undefined };
}

/** Writes Jepsen EDN that Knossos reads: `:time` in ns, keywords for type, f and error names. */
export function formatEdnHistory(ops: readonly HistoryOp[], layout: EdnLayout = 'vector'): string {
  const maps = ops.map((op) => printEdn(opToEdn(op)));
  if (layout === 'lines') return maps.map((m) => m + '\n').join('');
  return maps.length === 0 ? '[]\n' : `[${maps.join('\n ')}]\n`;
}

function opToEdn(op: HistoryOp): EdnMap {
  const entries: [Edn, Edn][] = [
    [kw('process'), nameToEdn(op.process)],
    [kw('type'), kw(op.type)],
    [kw('f'), kw(op.f)],
  ];
  if (op.key !== undefined) entries.push([kw('key'), op.key]);
  entries.push([kw('value'), valueToEdn(op.value)]);
  entries.push([kw('time'), Math.round(op.time * NS_PER_MS)]);
  if (op.region !== undefined) entries.push([kw('region'), op.region]);
  if (op.index !== undefined) entries.push([kw('index'), op.index]);
  if (op.error !== undefined) entries.push([kw('error'), errorToEdn(op.error)]);
  return new EdnMap(entries);
}

function kw(name: string): Keyword {
  return new Keyword(name);
}

function nameToEdn(p: ProcessId): Edn {
  return typeof p === 'string' && isKeywordName(p) ? kw(p) : p;
}

/** Jepsen's errors are keywords (`:timed-out`); anything else stays as it is. */
function errorToEdn(e: Value): Edn {
  return typeof e === 'string' && isKeywordName(e) ? kw(e) : valueToEdn(e);
}
