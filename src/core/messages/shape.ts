/**
 * Reading a parsed frame field by field. Readers throw ShapeError with the field's path and
 * what was expected; each decoder catches it at its boundary and returns a `bad-shape`
 * rejection, so a malformed frame never escapes as an exception. Modes may use the same
 * readers to validate their own message bodies.
 */
import { isJsonObject, type Json, type JsonObject } from '../json';
import { rejected, type Decoded } from './frame';
import { oneLine } from '../one-line';

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    actual: Json | undefined,
  ) {
    // The path holds the frame's own field names, which may hold a newline.
    super(oneLine(`${path}: expected ${expected}, got ${describe(actual)}`));
    this.name = 'ShapeError';
  }
}

function describe(value: Json | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
}

/** Runs a reader, turning its ShapeError into a rejection; anything else is a bug and rethrown. */
export function decodeWith<T>(read: () => T): Decoded<T> {
  try {
    return { ok: true, value: read() };
  } catch (e) {
    if (e instanceof ShapeError) return rejected('bad-shape', e.message);
    throw e;
  }
}

/** The value as an object whose keys are all in `allowed` (unknown fields are refused). */
export function object(
  value: Json | undefined,
  path: string,
  allowed: readonly string[],
): JsonObject {
  if (!isJsonObject(value)) throw new ShapeError(path, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ShapeError(
        `${path}.${key}`,
        `no such field (one of: ${allowed.join(', ')})`,
        value[key],
      );
    }
  }
  return value;
}

/** An own field, or undefined; never an inherited property. */
export function field(o: JsonObject, name: string): Json | undefined {
  return Object.hasOwn(o, name) ? o[name] : undefined;
}

/** A field that must satisfy `guard`. */
export function required<T extends Json>(
  o: JsonObject,
  name: string,
  path: string,
  guard: (v: Json | undefined) => v is T,
  expected: string,
): T {
  const v = field(o, name);
  if (!guard(v)) throw new ShapeError(`${path}.${name}`, expected, v);
  return v;
}

/** A field that may be absent, and must satisfy `guard` when present. */
export function optional<T extends Json>(
  o: JsonObject,
  name: string,
  path: string,
  guard: (v: Json | undefined) => v is T,
  expected: string,
): T | undefined {
  return field(o, name) === undefined ? undefined : required(o, name, path, guard, expected);
}

export const isString = (v: Json | undefined): v is string => typeof v === 'string';
export const isPresent = (v: Json | undefined): v is Json => v !== undefined;
export const isFiniteNumber = (v: Json | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);
export const isCount = (v: Json | undefined): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
