/**
 * JSON values: what message bodies, client values, log entries and hard state hold.
 *
 * Everything a mode sends, stores or returns is plain JSON data, so the live runtime can put
 * it on a wire or a disk and the simulator can hold it by reference with the same meaning.
 * (Structurally the same as the history's `Value` in src/workload/history/op.ts, which core
 * may not import: dependencies point downward, DESIGN §1.)
 */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [field: string]: Json;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Freezes a value and everything inside it, so that a mode which keeps mutating an object
 * after handing it to storage fails loudly (TypeError in strict mode) in the simulator instead
 * of silently diverging from the live runtime, where the bytes were already written.
 * Iterative, so deep values cannot overflow the stack.
 */
export function deepFreeze<T extends Json>(value: T): T {
  const stack: Json[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Array.isArray(v) ? v : Object.values(v as JsonObject)) stack.push(child);
  }
  return value;
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const bs: readonly Json[] = b;
    return a.every((x: Json, i) => jsonEqual(x, bs[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]))
  );
}
