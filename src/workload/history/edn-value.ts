import { Edn, EdnChar, EdnList, EdnMap, EdnSet, EdnSymbol, EdnTagged, Keyword } from './edn';
import type { Value, ValueObject } from './op';

/**
 * EDN data as a history value: keywords, symbols and characters become their names, vectors,
 * lists and sets become arrays, maps become objects (their keys as strings) and a tagged value
 * becomes its value. That is lossy for the EDN-only kinds, which geolab never writes itself.
 */
export function ednToValue(v: Edn): Value {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(ednToValue);
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnChar) return v.char;
  if (v instanceof EdnList || v instanceof EdnSet) return v.items.map(ednToValue);
  if (v instanceof EdnTagged) return ednToValue(v.value);
  const out: Record<string, Value> = {};
  for (const [k, x] of v.entries) out[ednKeyName(k)] = ednToValue(x);
  return out;
}

function ednKeyName(k: Edn): string {
  const value = ednToValue(k);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A history value as EDN: arrays as vectors, objects as maps with string keys. */
export function valueToEdn(v: Value): Edn {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(valueToEdn);
  const o = v as ValueObject;
  return new EdnMap(Object.keys(o).map((k) => [k, valueToEdn(o[k])]));
}

/** Names that print as a keyword (`:timed-out`) rather than a string. */
export function isKeywordName(s: string): boolean {
  return /^[A-Za-z*+!_?<>=-][A-Za-z0-9*+!_?<>=./-]*$/.test(s);
}
