/**
 * Merkle trees over the token space (Merkle 1987; Dynamo §4.7; Cassandra's repair): the
 * 2^depth leaves split [0, 2^32) evenly, a leaf hashes the (key, cell) pairs whose tokens fall
 * in it, and every inner node hashes its two children. Two replicas that build trees over the
 * keys they share and compare them top-down find the ranges where they differ while sending
 * one tree (2^(depth+1) − 1 numbers), not their data; then only those ranges' cells travel.
 *
 * A tree is an array in heap order: the root at 0, the children of i at 2i + 1 and 2i + 2,
 * leaf j at 2^depth − 1 + j. An empty leaf hashes to 0.
 */
import { combine32, hash32 } from './hash';

export interface TreeEntry {
  readonly key: string;
  readonly token: number;
  /** The cell's digest (cell.ts): equal cells, equal digests. */
  readonly digest: string;
}

export const MAX_MERKLE_DEPTH = 16;

/** The leaf a token falls in. */
export function leafOf(token: number, depth: number): number {
  return depth === 0 ? 0 : token >>> (32 - depth);
}

export function treeSize(depth: number): number {
  return 2 ** (depth + 1) - 1;
}

export function buildTree(entries: readonly TreeEntry[], depth: number): number[] {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_MERKLE_DEPTH)
    throw new RangeError(
      `Merkle depth must be an integer in [0, ${MAX_MERKLE_DEPTH}], got ${depth}`,
    );
  const tree = new Array<number>(treeSize(depth)).fill(0);
  const firstLeaf = 2 ** depth - 1;
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const e of sorted) {
    const at = firstLeaf + leafOf(e.token, depth);
    tree[at] = combine32(tree[at], hash32(`${e.key}\u0000${e.digest}`));
  }
  for (let i = firstLeaf - 1; i >= 0; i--) {
    const left = tree[2 * i + 1];
    const right = tree[2 * i + 2];
    tree[i] = left === 0 && right === 0 ? 0 : combine32(left, right);
  }
  return tree;
}

/** The leaves where two trees of the same depth differ, descending only into differing nodes. */
export function differingLeaves(
  a: readonly number[],
  b: readonly number[],
  depth: number,
): number[] {
  if (a.length !== treeSize(depth) || b.length !== treeSize(depth))
    throw new RangeError(`trees of depth ${depth} have ${treeSize(depth)} nodes`);
  const firstLeaf = 2 ** depth - 1;
  const out: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (a[i] === b[i]) continue;
    if (i >= firstLeaf) out.push(i - firstLeaf);
    else stack.push(2 * i + 2, 2 * i + 1);
  }
  return out.sort((x, y) => x - y);
}
