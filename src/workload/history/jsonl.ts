import { HistoryError } from './error';
import { OP_FIELDS, OP_TYPES, type HistoryOp, type OpType, type Value } from './op';
import { checkWellFormed } from './well-formed';

/** A parsed history and, for each event, the line it came from (for later messages). */
export interface ParsedHistory {
  readonly ops: HistoryOp[];
  readonly lines: number[];
}

/** Reads a JSON Lines history: one record per non-blank line, validated field by field. */
export function parseJsonl(text: string): ParsedHistory {
  const ops: HistoryOp[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const source = raw.trim();
    if (source === '') return;
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (e) {
      throw new HistoryError(i + 1, `not JSON (${(e as Error).message}); expected one op record`);
    }
    ops.push(opFromJson(json, i + 1));
    lines.push(i + 1);
  });
  checkWellFormed(ops, lines);
  return { ops, lines };
}

/** One record per line, fields in a fixed order, absent optional fields left out. */
export function formatJsonl(ops: readonly HistoryOp[]): string {
  return ops.map(formatJsonlLine).join('');
}

/** One record as its line of JSON Lines, newline included: for writers that stream. */
export function formatJsonlLine(op: HistoryOp): string {
  // Field by field rather than through an ordered copy, with numbers written directly: the
  // simulator writes millions of these.
  let line = `{"process":${json(op.process)},"type":"${op.type}","f":${json(op.f)}`;
  if (op.key !== undefined) line += `,"key":${json(op.key)}`;
  line += `,"value":${json(op.value)},"time":${json(op.time)}`;
  if (op.region !== undefined) line += `,"region":${json(op.region)}`;
  if (op.index !== undefined) line += `,"index":${json(op.index)}`;
  if (op.error !== undefined) line += `,"error":${json(op.error)}`;
  return `${line}}\n`;
}

/** JSON.stringify, with a shortcut for finite numbers and null (the same text, faster). */
function json(v: Value): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v === null) return 'null';
  return JSON.stringify(v);
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set(OP_FIELDS);

/** Validates one record; every message names the field and what it should be. */
export function opFromJson(json: unknown, line: number): HistoryOp {
  const fail = (problem: string): never => {
    throw new HistoryError(line, problem);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail(`expected an op record {"process", "type", "f", "value", "time", …}`);
  }
  const record = json as Record<string, unknown>;
  for (const field of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(field)) {
      fail(`unknown field "${field}" (known fields: ${OP_FIELDS.join(', ')})`);
    }
  }
  for (const field of ['process', 'type', 'f', 'value', 'time']) {
    if (!(field in record)) fail(`missing field "${field}"`);
  }
  const { process, type, f, key, value, time, region, index, error } = record;
  if (!(Number.isSafeInteger(process) && (process as number) >= 0)) {
    if (typeof process !== 'string' || process === '') {
      fail(`"process" must be a non-negative integer or a name, not ${JSON.stringify(process)}`);
    }
  }
  if (typeof type !== 'string' || !(OP_TYPES as readonly string[]).includes(type)) {
    fail(`unknown op type ${JSON.stringify(type)} (expected ${OP_TYPES.join(', ')})`);
  }
  if (typeof f !== 'string' || f === '') fail(`"f" must be a function name such as "read"`);
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    fail(`"key" must be a string or a number, not ${JSON.stringify(key)}`);
  }
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    fail(`"time" must be a non-negative number of milliseconds, not ${JSON.stringify(time)}`);
  }
  if (region !== undefined && typeof region !== 'string') fail(`"region" must be a string`);
  if (index !== undefined && !(Number.isSafeInteger(index) && (index as number) >= 0)) {
    fail(`"index" must be a non-negative integer`);
  }
  return {
    process: process as number | string,
    type: type as OpType,
    f: f as string,
    ...(key === undefined ? {} : { key: key as string | number }),
    value: value as Value,
    time: time as number,
    ...(region === undefined ? {} : { region: region as string }),
    ...(index === undefined ? {} : { index: index as number }),
    ...(error === undefined ? {} : { error: error as Value }),
  };
}
