import { Edn, EdnChar, EdnList, EdnMap, EdnSet, EdnSymbol, EdnTagged, Keyword } from './edn';

const CHAR_NAMES: Record<string, string> = {
  '\n': 'newline',
  '\r': 'return',
  ' ': 'space',
  '\t': 'tab',
};

/** Prints a value as EDN that `readEdn` (and Clojure's reader) reads back as the same value. */
export function printEdn(v: Edn): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return printNumber(v);
  if (typeof v === 'string') return printString(v);
  if (Array.isArray(v)) return `[${v.map(printEdn).join(' ')}]`;
  if (v instanceof Keyword) return `:${v.name}`;
  if (v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnChar) return `\\${CHAR_NAMES[v.char] ?? v.char}`;
  if (v instanceof EdnList) return `(${v.items.map(printEdn).join(' ')})`;
  if (v instanceof EdnSet) return `#{${v.items.map(printEdn).join(' ')}}`;
  if (v instanceof EdnTagged) return `#${v.tag} ${printEdn(v.value)}`;
  return printMap(v);
}

function printMap(m: EdnMap): string {
  // Jepsen's style: `{:process 0, :type :invoke, …}`.
  return `{${m.entries.map(([k, v]) => `${printEdn(k)} ${printEdn(v)}`).join(', ')}}`;
}

function printNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`EDN has no literal for ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  // A float must not read back as an integer: keep a '.' or an exponent.
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function printString(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c)}"`;
}
