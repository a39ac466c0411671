/**
 * Version vectors (Parker et al., "Detection of Mutual Inconsistency in Distributed Systems",
 * 1983; DDIA ch. 5 "Detecting Concurrent Writes"): a counter per node; one vector happened
 * before another when it is ≤ everywhere and < somewhere, and two vectors neither before nor
 * after each other are concurrent, i.e. siblings.
 *
 * A vector is a plain record so it serialises as itself. Functions are pure and return new
 * vectors in canonical form: zero entries omitted (a missing node means 0) and keys sorted,
 * so that equal vectors have equal JSON and the simulator's traces stay byte-identical.
 * Lookups use Object.hasOwn: a node named `constructor` must not read Object's prototype.
 */
import { isNodeId, type NodeId } from '../ids';

export type VersionVector = Readonly<Record<NodeId, number>>;

export type Ordering = 'before' | 'after' | 'equal' | 'concurrent';

export const EMPTY: VersionVector = Object.freeze({});

/** The counter for `node`, 0 when absent. */
export function get(v: VersionVector, node: NodeId): number {
  return Object.hasOwn(v, node) ? v[node] : 0;
}

function canonical(entries: Iterable<[NodeId, number]>): VersionVector {
  const out: Record<string, number> = {};
  const sorted = [...entries].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [node, n] of sorted) out[node] = n;
  return out as VersionVector;
}

function nodes(a: VersionVector, b: VersionVector): Set<NodeId> {
  return new Set([...Object.keys(a), ...Object.keys(b)] as NodeId[]);
}

/** The vector after `node` records one more event. */
export function increment(v: VersionVector, node: NodeId): VersionVector {
  const entries = new Map(Object.entries(v) as [NodeId, number][]);
  entries.set(node, get(v, node) + 1);
  return canonical(entries);
}

/** The least upper bound: the pointwise maximum, which dominates both and nothing less does. */
export function merge(a: VersionVector, b: VersionVector): VersionVector {
  const entries: [NodeId, number][] = [];
  for (const node of nodes(a, b)) entries.push([node, Math.max(get(a, node), get(b, node))]);
  return canonical(entries);
}

/** How `a` relates to `b` in the happened-before partial order. */
export function compare(a: VersionVector, b: VersionVector): Ordering {
  let less = false;
  let greater = false;
  for (const node of nodes(a, b)) {
    const x = get(a, node);
    const y = get(b, node);
    if (x < y) less = true;
    else if (x > y) greater = true;
    if (less && greater) return 'concurrent';
  }
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}

/** Whether `a` has seen everything `b` has: `a ≥ b` pointwise (equal vectors dominate). */
export function dominates(a: VersionVector, b: VersionVector): boolean {
  const order = compare(a, b);
  return order === 'after' || order === 'equal';
}

/** The vector in canonical form (zeros dropped, keys sorted). */
export function normalize(v: VersionVector): VersionVector {
  return canonical(Object.entries(v) as [NodeId, number][]);
}

/** Whether a received value is a version vector: node-id keys, non-negative integer counters. */
export function isVersionVector(value: unknown): value is VersionVector {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(
    ([node, n]) => isNodeId(node) && typeof n === 'number' && Number.isSafeInteger(n) && n >= 0,
  );
}
