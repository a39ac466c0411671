/**
 * What a replica stores for a key, and how two versions combine. Merging is the only way
 * replicas ever change a cell (a write, a repair, a hint, anti-entropy all merge), and it is
 * commutative, associative and idempotent, so replicas that have seen the same versions hold
 * the same cell whatever the order (test/modes/leaderless/cell.test.ts checks all three).
 *
 * - Last-write-wins (`conflicts: lww`, Cassandra): the cell with the greater stamp wins; a tie
 *   (only from one node's repeated stamp) goes to the greater value, as Cassandra does. The
 *   losing write is dropped silently: with wall-clock stamps and a skewed clock, that is an
 *   acknowledged write lost.
 * - Siblings (`conflicts: siblings`, Dynamo and Riak): a dotted version vector set (Preguiça,
 *   Baquero, Almeida, Fonte & Gonçalves, "Dotted Version Vectors", 2012; Riak 2's DVVSet). The
 *   cell keeps a version vector of every version it has seen and the concurrent values still
 *   alive, each tagged with the dot (node, counter) that minted it. A write carries the context
 *   its client read (a version vector) and replaces exactly the values that context covers;
 *   values it did not see survive as siblings, returned together to the next reader.
 *   Dots are minted only by a replica of the key, from its own stored vector, so one node's
 *   counters for a key have no gaps and "covered" means "seen" (the coordinator forwards
 *   otherwise, as Riak's put FSM forwards to a vnode in the preference list).
 */
import { vv, type VersionVector } from '../../core/clocks';
import { isNodeId, type NodeId } from '../../core/ids';
import { isJsonObject, type Json, type JsonObject } from '../../core/json';
import { isPresent, object, required, ShapeError } from '../../core/messages/shape';
import { compareStamps, isStamp, type Stamp } from './timestamps';

export interface LwwCell {
  readonly v: Json;
  readonly ts: Stamp;
}

/** A live sibling: the node and counter that minted it, and its value. */
export type Sibling = readonly [node: NodeId, counter: number, value: Json];

export interface SiblingCell {
  /** Every version this cell has seen (its causal context). */
  readonly vv: VersionVector;
  /** The concurrent values still alive, sorted by dot. */
  readonly s: readonly Sibling[];
}

export type Cell = LwwCell | SiblingCell;

export function isLwwCell(cell: Cell): cell is LwwCell {
  return 'ts' in cell;
}

/** The cell holding both: the least upper bound of two versions of a key. */
export function mergeCells(a: Cell, b: Cell): Cell {
  if (isLwwCell(a) && isLwwCell(b)) return mergeLww(a, b);
  if (!isLwwCell(a) && !isLwwCell(b)) return mergeSiblings(a, b);
  throw new RangeError('cannot merge a last-write-wins cell with a sibling cell');
}

/** Merge where either side may be absent. */
export function mergeOptional(a: Cell | undefined, b: Cell | undefined): Cell | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return mergeCells(a, b);
}

export function mergeLww(a: LwwCell, b: LwwCell): LwwCell {
  const order = compareStamps(a.ts, b.ts);
  if (order !== 0) return order > 0 ? a : b;
  return canonicalJson(a.v) >= canonicalJson(b.v) ? a : b;
}

const covers = (context: VersionVector, node: NodeId, counter: number): boolean =>
  vv.get(context, node) >= counter;

const sameDot = (x: Sibling, y: Sibling): boolean => x[0] === y[0] && x[1] === y[1];

/**
 * DVVSet's sync: a sibling survives if the other side holds it too, or has not seen it; one the
 * other side has seen and dropped was replaced by a write that read it.
 */
export function mergeSiblings(a: SiblingCell, b: SiblingCell): SiblingCell {
  const s: Sibling[] = [];
  for (const x of a.s) {
    if (b.s.some((y) => sameDot(x, y)) || !covers(b.vv, x[0], x[1])) s.push(x);
  }
  for (const y of b.s) {
    if (!a.s.some((x) => sameDot(x, y)) && !covers(a.vv, y[0], y[1])) s.push(y);
  }
  return { vv: vv.merge(a.vv, b.vv), s: sortSiblings(s) };
}

/**
 * A write of `value` minted by replica `node`, whose stored cell is `local`, for a client that
 * had read `context`: it replaces the values the context covers and keeps the others.
 */
export function updateSiblings(
  local: SiblingCell | undefined,
  context: VersionVector,
  node: NodeId,
  value: Json,
): SiblingCell {
  const base = local ?? { vv: vv.EMPTY, s: [] };
  const counter = Math.max(vv.get(base.vv, node), vv.get(context, node)) + 1;
  const kept = base.s.filter((x) => !covers(context, x[0], x[1]));
  const seen = vv.merge(base.vv, context);
  return {
    vv: vv.merge(seen, { [node]: counter } as VersionVector),
    s: sortSiblings([...kept, [node, counter, value]]),
  };
}

function sortSiblings(s: Sibling[]): Sibling[] {
  return s.sort((x, y) => (x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] - y[1]));
}

/**
 * What a read returns: the value (null when the key was never written); with siblings, the
 * one value when there is one, else every concurrent value in an array ordered by its JSON
 * text, so that equal sets read equal and the checkers can compare them as sets.
 */
export function readValue(cell: Cell | undefined): Json {
  if (cell === undefined) return null;
  if (isLwwCell(cell)) return cell.v;
  if (cell.s.length === 0) return null;
  if (cell.s.length === 1) return cell.s[0][2];
  return cell.s
    .map((x) => x[2])
    .sort((x, y) => {
      const a = canonicalJson(x);
      const b = canonicalJson(y);
      return a < b ? -1 : a > b ? 1 : 0;
    });
}

/** How many concurrent values a cell holds (1 for last-write-wins). */
export function siblingCount(cell: Cell): number {
  return isLwwCell(cell) ? 1 : cell.s.length;
}

/** The causal context a reader of this cell gets (siblings only). */
export function contextOf(cell: Cell | undefined): VersionVector {
  return cell === undefined || isLwwCell(cell) ? vv.EMPTY : cell.vv;
}

/** A canonical text of the cell: equal cells, equal digests (Merkle leaves, repair checks). */
export function cellDigest(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (isLwwCell(cell)) return `${JSON.stringify(cell.ts)}${canonicalJson(cell.v)}`;
  return `${canonicalJson(cell.vv as unknown as Json)}${canonicalJson(cell.s as unknown as Json)}`;
}

export function sameCell(a: Cell | undefined, b: Cell | undefined): boolean {
  return cellDigest(a) === cellDigest(b);
}

/** JSON text with object keys sorted, so equal values have equal text whatever their key order. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((x: Json) => canonicalJson(x)).join(',')}]`;
  const o = value as JsonObject;
  const keys = Object.keys(o).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);
const isCounter = (n: Json | undefined): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;

/** Reads a cell from a peer's message, throwing ShapeError when it is not one. */
export function readCell(value: Json | undefined, path: string): Cell {
  if (isJsonObject(value) && Object.hasOwn(value, 'ts')) {
    const o = object(value, path, ['v', 'ts']);
    return {
      v: required(o, 'v', path, isPresent, 'a JSON value'),
      ts: required(o, 'ts', path, isStamp, 'a stamp [ms, counter, node]'),
    };
  }
  const o = object(value, path, ['vv', 's']);
  const context = required(o, 'vv', path, isJsonObject, 'a version vector');
  if (!vv.isVersionVector(context)) throw new ShapeError(`${path}.vv`, 'a version vector', context);
  const list = required(o, 's', path, isArray, 'an array of siblings');
  const s = list.map((x, i): Sibling => {
    if (!Array.isArray(x) || x.length !== 3 || !isNodeId(x[0]) || !isCounter(x[1])) {
      throw new ShapeError(`${path}.s[${i}]`, '[node, counter ≥ 1, value]', x);
    }
    const sibling = x as readonly Json[];
    const node = sibling[0] as NodeId;
    const counter = sibling[1] as number;
    // A sibling its own context has not seen would break "covered means seen".
    if (vv.get(context, node) < counter)
      throw new ShapeError(`${path}.s[${i}]`, 'a dot its version vector covers', x);
    return [node, counter, sibling[2]];
  });
  const dots = new Set(s.map((x) => `${x[0]}/${x[1]}`));
  if (dots.size !== s.length)
    throw new ShapeError(`${path}.s`, 'siblings with distinct dots', list);
  return { vv: vv.normalize(context), s: sortSiblings(s) };
}

/** The cell as JSON for a message or the disk. */
export function cellJson(cell: Cell): Json {
  return cell as unknown as Json;
}
