/**
 * Structure-aware input generation for the fuzz targets (test/fuzz/targets.ts): start from a
 * valid document, apply a few mutations a person or a broken peer could make (wrong types,
 * unknown fields, typos of field names, bad durations, unknown names, huge numbers, deep
 * nesting, dropped fields), then optionally damage the serialised text. Mutations are drawn
 * as plain data (an index picks the node, modulo the node count), so fast-check can shrink a
 * counterexample to the few mutations that matter.
 */
import fc from 'fast-check';

type Tree = Record<string, unknown> | unknown[];

/** Tokens the formats know, so that mutations hit the interesting branches, not just junk. */
export const VOCABULARY = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-1',
  'us-east-9',
  'leader',
  'leader-region',
  'aws',
  'azure',
  'raft',
  'single-leader',
  'multi-leader',
  'leaderless',
  'async',
  'semi-sync',
  'LOCAL_QUORUM',
  'QUORUM',
  'ONE',
  'read-index',
  'lww',
  'automerge',
  'yjs',
  'blackhole',
  'hold',
  'refuse',
  'normal',
  'pareto',
  'uniform',
  'latency',
  'bandwidth',
  'timeout',
  'slicer',
  'limit_data',
  'reset_peer',
  'slow_close',
  'upstream',
  'downstream',
  'invoke',
  'ok',
  'fail',
  'info',
  'read',
  'write',
  'cas',
  'partition',
  'heal',
  'kill',
  'restart',
  'sim',
  'control',
  'request',
  'ping',
  '',
  ' ',
  '-',
  '/',
  'a/b',
  '%',
  '%ZZ',
  '..',
  '\u0000',
  '\n',
  'null',
  'true',
  '~',
  '__proto__',
  'constructor',
  'toString',
];

const BAD_DURATIONS = [
  '5',
  '1.5.s',
  '-3ms',
  '0s',
  '99999999999999999999h',
  '1e3s',
  '1 s',
  'ms',
  '10sec',
  '.5s',
  '5S',
  'NaNms',
  'Infinity s',
  '1h30m',
  '-0ms',
  '9007199254740993ms',
];

const HUGE_NUMBERS = [
  0,
  -1,
  -0,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  2 ** 31,
  2 ** 32 + 1,
  1e21,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  65536,
  Infinity,
  -Infinity,
  NaN,
];

/** Nested arrays and objects `depth` deep: stacks and recursion limits. */
function nested(depth: number, asArray: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

/** A replacement value: wrong types, bad durations, unknown names, huge numbers, nesting. */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom(...BAD_DURATIONS),
  fc.constantFrom(...HUGE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [[]], [null], { '': null }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 2000 }).map((n) => 'x'.repeat(n * 10)),
  fc.tuple(fc.integer({ min: 10, max: 400 }), fc.boolean()).map(([d, a]) => nested(d, a)),
  fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 4 }),
);

/** A field name: a known one (for typos), a typo, or junk. */
const fieldName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom('regions', 'replication', 'latency', 'mode', 'steps', 'at', 'for', 'type'),
  fc.string({ maxLength: 12 }),
);

export type Mutation =
  | { readonly kind: 'set'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly name: string; readonly value: unknown }
  | { readonly kind: 'typo'; readonly at: number; readonly edit: number }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'wrap'; readonly at: number; readonly inArray: boolean };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: wildValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      name: fieldName,
      value: wildValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('typo' as const), at: fc.nat(), edit: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('wrap' as const),
      at: fc.nat(),
      inArray: fc.boolean(),
    }),
  },
);

/** Every slot of the tree (a container and one of its keys), the root's own slots first. */
function slots(root: Tree): [Tree, string | number][] {
  const out: [Tree, string | number][] = [];
  const walk = (node: Tree, depth: number): void => {
    if (depth > 20) return;
    const keys: (string | number)[] = Array.isArray(node)
      ? node.map((_, i) => i)
      : Object.keys(node);
    for (const k of keys) {
      out.push([node, k]);
      const child = (node as Record<string | number, unknown>)[k];
      if (typeof child === 'object' && child !== null) walk(child as Tree, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

function containers(root: Tree): Tree[] {
  const out: Tree[] = [root];
  for (const [node, k] of slots(root)) {
    const child = (node as Record<string | number, unknown>)[k];
    if (typeof child === 'object' && child !== null) out.push(child as Tree);
  }
  return out;
}

/** A field-name typo: drop, double, swap or change one character. */
export function typo(name: string, edit: number): string {
  if (name.length === 0) return 'x';
  const i = edit % name.length;
  switch (Math.floor(edit / name.length) % 4) {
    case 0:
      return name.slice(0, i) + name.slice(i + 1);
    case 1:
      return name.slice(0, i) + name[i] + name.slice(i);
    case 2:
      return i + 1 < name.length
        ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2)
        : name + 's';
    default:
      return (
        name.slice(0, i) +
        (name[i] === name[i].toUpperCase() ? name[i].toLowerCase() : name[i].toUpperCase()) +
        name.slice(i + 1)
      );
  }
}

/** `seed` (deep-copied) with the mutations applied in order; a mutation with no target is skipped. */
export function applyMutations(seed: unknown, mutations: readonly Mutation[]): unknown {
  const root: { doc: unknown } = { doc: structuredClone(seed) };
  for (const m of mutations) {
    const all = slots(root as unknown as Tree);
    if (all.length === 0) break;
    const [node, key] = all[m.at % all.length];
    const record = node as Record<string | number, unknown>;
    switch (m.kind) {
      // Copies: fast-check hands out the same [] or {} again, and sharing one makes cycles.
      case 'set':
        record[key] = structuredClone(m.value);
        break;
      case 'delete':
        if (Array.isArray(node)) node.splice(key as number, 1);
        else delete record[key];
        break;
      case 'add': {
        const targets = containers(root as unknown as Tree).filter((t) => t !== (root as unknown));
        if (targets.length === 0) break;
        const target = targets[m.at % targets.length];
        if (Array.isArray(target)) target.push(structuredClone(m.value));
        else target[m.name] = structuredClone(m.value);
        break;
      }
      case 'typo': {
        if (Array.isArray(node) || node === (root as unknown)) break;
        const value = record[key];
        delete record[key];
        record[typo(String(key), m.edit)] = value;
        break;
      }
      case 'duplicate': {
        const value = structuredClone(record[key]);
        if (Array.isArray(node)) node.push(value);
        else record[key] = [value, value];
        break;
      }
      case 'wrap':
        record[key] = m.inArray ? [record[key]] : { [String(key)]: record[key] };
        break;
    }
  }
  return root.doc;
}

/** A seed mutated 0 to `max` times. */
export function mutated(seeds: readonly unknown[], max = 4): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: max }))
    .map(([seed, ms]) => applyMutations(seed, ms));
}

/** Text damage: insertions of syntax-significant snippets, deletions, truncation. */
export type TextDamage =
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly at: number; readonly with: number };

/** Snippets that break YAML, JSON and EDN in interesting ways. */
const SNIPPETS = [
  ':',
  ': ',
  '- ',
  '\t',
  '\n',
  '\n---\n',
  '...\n',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '#',
  '&a ',
  '*a',
  '*nope',
  '!!binary ',
  '!!js/function ',
  '!tag ',
  '<<: *a',
  '? ',
  '|',
  '>-',
  '%YAML 1.1\n',
  '\\',
  '\\u',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\r',
  '  ',
  'a: [&a [*a, *a, *a], &b [*a, *a, *a]]\n',
  ':process',
  '#{',
  '#inst "x"',
  '(',
  ')',
  '1e999',
  '-',
  'nil',
  ':invoke',
  'jepsen.util',
];

export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('swap-lines' as const),
      at: fc.nat(),
      with: fc.nat(),
    }),
  },
);

export function damage(text: string, damages: readonly TextDamage[]): string {
  let t = text;
  for (const d of damages) {
    const at = d.at % (t.length + 1);
    switch (d.kind) {
      case 'insert':
        t = t.slice(0, at) + d.text + t.slice(at);
        break;
      case 'delete':
        t = t.slice(0, at) + t.slice(at + d.length);
        break;
      case 'truncate':
        t = t.slice(0, at);
        break;
      case 'swap-lines': {
        const lines = t.split('\n');
        const i = d.at % lines.length;
        const j = d.with % lines.length;
        [lines[i], lines[j]] = [lines[j], lines[i]];
        t = lines.join('\n');
        break;
      }
    }
  }
  return t;
}

/** `text` with up to `max` damages; half the cases are left intact. */
export function damaged(text: fc.Arbitrary<string>, max = 3): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.oneof(fc.constant([]), fc.array(textDamage, { minLength: 1, maxLength: max })))
    .map(([t, ds]) => damage(t, ds));
}

/** A stack-trace frame (`at f (file.ts:1:2)`) or an internal error class leaking to a person. */
const LEAK =
  /\bat \S+ \(|\bat .*:\d+:\d+|\b(TypeError|ReferenceError|SyntaxError|RangeError):|Cannot read propert|is not a function|undefined is not|\[object Object\]/;

/** Why `message` is not fit to show a person, or undefined when it is. */
export function messageProblem(message: unknown): string | undefined {
  if (typeof message !== 'string') return `not a string: ${typeof message}`;
  if (message.trim() === '') return 'empty';
  if (/[\r\n]/.test(message)) return 'more than one line';
  if (LEAK.test(message)) return 'looks like a stack trace or an internal error';
  return undefined;
}
