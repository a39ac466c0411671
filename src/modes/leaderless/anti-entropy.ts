/**
 * Anti-entropy (Dynamo §4.7; Cassandra's repair): every interval each node picks one peer
 * that is up, at random, and the two compare Merkle trees (merkle.ts) over the keys both are
 * replicas of; then each sends the other its cells in the ranges that differ, and both merge.
 * Hints and read repair fix what they touch; this fixes the rest (a replica down past the hint
 * window, hints lost with their coordinator's disk, keys nobody reads), in any region.
 *
 *   A → B  tree {depth, hashes}                 A's tree of the keys A and B share
 *   B → A  tree-diff {leaves, cells}            where they differ, and B's cells there
 *   A → B  cells                                A's cells in those leaves
 *
 * A message carries at most MAX_CELLS cells; what does not fit waits for the next round.
 */
import type { NodeId } from '../../core/ids';
import type { Cell } from './cell';
import { cellDigest } from './cell';
import type { ReplicaContext } from './context';
import { buildTree, differingLeaves, leafOf, type TreeEntry } from './merkle';
import type { KeyCell } from './messages';

export const ANTI_ENTROPY_TAG = 'leaderless.anti-entropy';

/** Cells per message at most: keeps a repair well inside the 1 MiB frame for lab-sized values. */
export const MAX_CELLS = 256;

export class AntiEntropy {
  /** Exchanges this node started, by op: the peer asked. */
  private readonly started = new Map<string, NodeId>();

  constructor(private readonly node: ReplicaContext) {}

  /** Arms the next round, a random 75–125% of the interval away so nodes do not fall in step. */
  schedule(): void {
    const every = this.node.config.antiEntropyIntervalMs;
    if (every <= 0) return;
    this.node.env.setTimer(every * (0.75 + 0.5 * this.node.env.random()), ANTI_ENTROPY_TAG);
  }

  /** One round: a tree to a random live peer that shares keys with this node. */
  round(): void {
    this.schedule();
    const { env, config, detector } = this.node;
    const peers = config.members
      .filter((m) => m.ring && m.id !== env.self && detector.isAlive(m.id))
      .map((m) => m.id);
    if (peers.length === 0 || !this.isRingMember(env.self)) return;
    const peer = peers[Math.floor(env.random() * peers.length)];
    const op = this.node.newOp();
    this.started.clear();
    this.started.set(op, peer);
    const depth = config.merkleDepth;
    this.node.send(peer, { type: 'tree', op, depth, hashes: buildTree(this.shared(peer), depth) });
  }

  onTree(from: NodeId, op: string, depth: number, hashes: readonly number[]): void {
    const mine = this.shared(from);
    const leaves = differingLeaves(buildTree(mine, depth), hashes, depth);
    if (leaves.length > 0) this.node.metric('anti_entropy_ranges_differing_total', leaves.length);
    this.node.send(from, {
      type: 'tree-diff',
      op,
      leaves,
      cells: this.cellsIn(mine, leaves, depth),
    });
  }

  onTreeDiff(from: NodeId, op: string, leaves: readonly number[], cells: readonly KeyCell[]): void {
    if (this.started.get(op) !== from) return;
    this.started.delete(op);
    this.merge(cells);
    if (leaves.length === 0) return;
    const depth = this.node.config.merkleDepth;
    const mine = this.cellsIn(this.shared(from), leaves, depth);
    if (mine.length > 0) this.node.send(from, { type: 'cells', cells: mine });
  }

  /** Cells a peer sent: merged, and durable before anything else happens. */
  merge(cells: readonly KeyCell[]): void {
    let changed = 0;
    for (const [key, cell] of cells) if (this.node.store.merge(key, cell)) changed++;
    if (changed === 0) return;
    this.node.env.storage.sync();
    this.node.metric('anti_entropy_keys_repaired_total', changed);
  }

  /** The keys this node holds that `peer` is also a replica of, for the tree. */
  private shared(peer: NodeId): TreeEntry[] {
    const { store, placement, env } = this.node;
    const out: TreeEntry[] = [];
    for (const key of store.keys()) {
      const { token, replicas } = placement.of(key);
      if (!replicas.includes(env.self) || !replicas.includes(peer)) continue;
      out.push({ key, token, digest: cellDigest(store.get(key)) });
    }
    return out;
  }

  private cellsIn(
    entries: readonly TreeEntry[],
    leaves: readonly number[],
    depth: number,
  ): KeyCell[] {
    const wanted = new Set(leaves);
    const out: KeyCell[] = [];
    for (const e of entries) {
      if (out.length >= MAX_CELLS) break;
      if (wanted.has(leafOf(e.token, depth))) out.push([e.key, this.node.store.get(e.key) as Cell]);
    }
    return out;
  }

  private isRingMember(node: NodeId): boolean {
    return this.node.config.members.some((m) => m.id === node && m.ring);
  }
}
