import type { Value } from '../../workload/history';

/** FNV-1a over UTF-16 code units: cheap, and good enough to spread a memo cache's buckets. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** A 32-bit hash of a JSON value: equal for values `sameValue` calls equal. */
export function hashValue(v: Value): number {
  if (v === null) return 0x6e756c6c;
  if (typeof v === 'number') {
    // Small integers, the common case, hash without building a string.
    return Number.isInteger(v) && Math.abs(v) < 2 ** 31
      ? Math.imul(v ^ 0x5bd1e995, 0x9e3779b1)
      : hashString(String(v), 0x2d358dcc);
  }
  if (typeof v === 'string') return hashString(v);
  if (typeof v === 'boolean') return v ? 0x74727565 : 0x66616c73;
  return hashString(canonicalJson(v), 0x3c6ef372);
}

/** JSON with object keys sorted, so that equal objects give equal text. */
function canonicalJson(v: Value): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as { readonly [k: string]: Value };
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}
