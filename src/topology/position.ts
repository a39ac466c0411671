import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the topology document: object keys and array indices. */
export type FieldPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/**
 * Where a field sits in the YAML source. With `at: 'key'` the position of the key itself
 * (for unknown keys); otherwise its value. A path that runs past the document (a missing
 * field) resolves to the deepest node that exists: the object that lacks it.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: FieldPath,
  at: 'value' | 'key' = 'value',
): SourcePosition {
  let node: unknown = doc.contents;
  let best: Node | null = isNodeWithRange(node) ? node : null;
  for (const step of path) {
    const next = childOf(node, step, at === 'key' && step === path[path.length - 1]);
    if (next === undefined) break;
    node = next;
    if (isNodeWithRange(node)) best = node;
  }
  const offset = best?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

function childOf(node: unknown, step: string | number, wantKey: boolean): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
    if (!pair) return undefined;
    return wantKey ? pair.key : (pair.value ?? pair.key);
  }
  if (isSeq(node) && typeof step === 'number') return node.items[step];
  if (isPair(node)) return node.value;
  return undefined;
}

function isNodeWithRange(node: unknown): node is Node {
  return typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range);
}
