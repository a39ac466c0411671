import { ERR_BAD_REQUEST_BODY, ApiError } from './api-error';
import { oneLine } from '../../core/one-line';

/**
 * Decoding request bodies the way upstream's `encoding/json` into Go structs does, so that the
 * same bodies are accepted and the same ones rejected with 400 `bad request body: …`:
 * unknown keys are ignored, `null` leaves a field at its default, keys match
 * case-insensitively, and a value of the wrong JSON type is an error naming the Go field.
 *
 * Deliberate differences: Go rejects integer fields written as `1e3` or `100.0`, which
 * JSON.parse cannot tell from `1000` and `100`, so those are accepted here; Go ignores bytes
 * after the first JSON value, which are rejected here; syntax errors carry V8's wording.
 */

/** A JSON object as parsed. */
export type JsonObject = { readonly [key: string]: unknown };

/** Parses a body; the empty body is Go's `EOF`. */
export function parseBody(body: string): unknown {
  if (body.trim() === '') throw ERR_BAD_REQUEST_BODY.with('EOF');
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    // V8's wording echoes the body, newlines and all; the error body is read as one line.
    throw ERR_BAD_REQUEST_BODY.with(oneLine((err as Error).message));
  }
}

/** Go's name for a JSON value's kind, as in its `UnmarshalTypeError`. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
}

function typeError(value: unknown, target: string, goType: string): ApiError {
  return ERR_BAD_REQUEST_BODY.with(
    `json: cannot unmarshal ${jsonKind(value)} into ${target} of type ${goType}`,
  );
}

/** The body as an object; `null` is an empty one (Go leaves the defaults). */
export function asObject(value: unknown, goType: string): JsonObject {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(value, 'Go value', goType);
  }
  return value as JsonObject;
}

/** The body as an array; `null` is an empty one. */
export function asArray(value: unknown, goType: string): readonly unknown[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw typeError(value, 'Go value', goType);
  return value;
}

/** A field's value, matching its key exactly first and then case-insensitively, as Go does. */
function lookup(obj: JsonObject, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** Where a field sits, for messages: `Proxy.name`, `LatencyToxic.attributes.latency`. */
export interface FieldPath {
  readonly struct: string;
  readonly path: string;
}

function field(at: FieldPath): string {
  return `Go struct field ${at.struct}.${at.path}`;
}

export function optionalString(obj: JsonObject, key: string, at: FieldPath): string | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeError(v, field(at), 'string');
  return v;
}

export function optionalBool(obj: JsonObject, key: string, at: FieldPath): boolean | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(v, field(at), 'bool');
  return v;
}

/** A `float32` field (toxicity). */
export function optionalFloat32(obj: JsonObject, key: string, at: FieldPath): number | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw typeError(v, field(at), 'float32');
  if (Math.abs(v) > 3.4028234663852886e38) {
    throw ERR_BAD_REQUEST_BODY.with(
      `json: cannot unmarshal number ${v} into ${field(at)} of type float32`,
    );
  }
  return v;
}

/** An integer field (`int64` or `int`): non-integers are rejected as Go rejects them. */
export function optionalInteger(
  obj: JsonObject,
  key: string,
  at: FieldPath,
  goType: 'int64' | 'int',
): number | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw typeError(v, field(at), goType);
  if (!Number.isSafeInteger(v)) {
    throw ERR_BAD_REQUEST_BODY.with(
      `json: cannot unmarshal number ${v} into ${field(at)} of type ${goType}`,
    );
  }
  return v;
}

/** An optional nested object field (`attributes`). */
export function optionalObject(
  obj: JsonObject,
  key: string,
  at: FieldPath,
  goType: string,
): JsonObject | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(v, field(at), goType);
  return v as JsonObject;
}
