import {
  detectFormat,
  readHistory,
  type HistoryFormat,
  type HistoryOp,
} from '../../workload/history';
import { checkLinearizability, type CheckOptions, type LinearizabilityResult } from './check';
import type { SomeModel } from './model';
import { MODELS } from './models';

export interface TextCheckOptions extends Omit<CheckOptions, 'lines'> {
  /** Default: detected from the text. */
  readonly format?: HistoryFormat;
  /** A name from MODELS; default: `defaultModel`. */
  readonly model?: string;
}

export interface TextCheckResult extends LinearizabilityResult {
  readonly format: HistoryFormat | undefined;
  readonly events: number;
}

/**
 * What `geolab check --checker lin` runs: read a history in any format geolab knows, pick the
 * model, check. Throws HistoryError (bad history: exit 2) or RangeError (unknown model or
 * format: exit 2).
 */
export function checkHistoryText(text: string, options: TextCheckOptions = {}): TextCheckResult {
  const format = options.format ?? detectFormat(text);
  const { ops, lines } = readHistory(text, format);
  const model = options.model === undefined ? defaultModel(ops, format) : modelNamed(options.model);
  const result = checkLinearizability(ops, model, { ...options, lines });
  return { ...result, format, events: ops.length };
}

export function modelNamed(name: string): SomeModel {
  const model = MODELS.get(name);
  if (model === undefined) {
    throw new RangeError(`unknown model "${name}" (expected ${[...MODELS.keys()].join(', ')})`);
  }
  return model;
}

/**
 * The model a history most likely means: `kv` when it uses get/put/append (Porcupine's data);
 * geolab's `store` when it mixes registers with counters (increment) or lists (append: a
 * history with read or write beside it); for registers alone, Knossos' `cas-register`
 * (initially 0, a nil read unknown) for a Jepsen EDN vector, as in Knossos' data, and
 * otherwise geolab's `register` (initially nothing, as etcd's).
 */
export function defaultModel(
  ops: readonly HistoryOp[],
  format: HistoryFormat | undefined,
): SomeModel {
  if (ops.some((op) => op.f === 'get' || op.f === 'put')) return modelNamed('kv');
  if (ops.some((op) => op.f === 'increment')) return modelNamed('store');
  if (ops.some((op) => op.f === 'append')) {
    const registers = ops.some((op) => op.f === 'read' || op.f === 'write' || op.f === 'cas');
    return modelNamed(registers ? 'store' : 'kv');
  }
  return modelNamed(format === 'edn' ? 'cas-register' : 'register');
}
