import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';
import { digest } from './hashing';
import { sortedKeys, type Value } from './values';

/**
 * JSON with object keys sorted at every level: converged replicas give the same text even
 * when their libraries enumerate keys in integration order (Y.Map.toJSON does).
 */
export function canonicalJson(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x: Json) => canonicalJson(x)).join(',')}]`;
  const o = v as { readonly [k: string]: Json };
  return `{${sortedKeys(Object.keys(o))
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The canonical text of a whole store: each key's kind and value, keys sorted. */
export function canonicalState(keys: Iterable<Key>, read: (key: Key) => Value | undefined): string {
  const parts: string[] = [];
  for (const key of sortedKeys(keys)) {
    const v = read(key);
    if (v !== undefined)
      parts.push(`${JSON.stringify(key)}:[${JSON.stringify(v.kind)},${canonicalJson(v.value)}]`);
  }
  return `{${parts.join(',')}}`;
}

export function stateDigest(canonical: string): string {
  return digest(canonical);
}
