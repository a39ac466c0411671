/**
 * Where a key lives: consistent hashing with virtual nodes (Karger et al. 1997; Dynamo §4.2;
 * Cassandra's `num_tokens`), and replicas chosen per region as Cassandra's
 * NetworkTopologyStrategy does: walk the ring clockwise from the key's token and take, in each
 * region, the first `rf[region]` distinct nodes of that region met on the way (racks are not
 * modelled). Each node owns `virtualNodes` tokens, so that adding or removing a node moves
 * only about 1/nodes of the keys, and spread evenly.
 *
 * Pure: the same members, factors and key give the same replicas on every node, which is what
 * lets any node coordinate any key without asking anyone.
 */
import type { NodeId } from '../../core/ids';
import type { ReplicationFactor } from '../../core/consistency';
import { hash32 } from './hash';

export interface RingNode {
  readonly id: NodeId;
  readonly region: string;
}

export interface KeyPlacement {
  /** The key's token on the ring, in [0, 2^32). */
  readonly token: number;
  /** The key's replicas in ring order from its token (NetworkTopologyStrategy's choice). */
  readonly replicas: readonly NodeId[];
  /** Every ring node, distinct, in ring order from the key's token: Dynamo's preference list. */
  readonly preference: readonly NodeId[];
}

type Segment = Omit<KeyPlacement, 'token'>;

export class Placement {
  private readonly tokens: number[] = [];
  private readonly owners: number[] = [];
  private readonly regions: string[];
  /**
   * Placements remembered per ring segment, by the index of the token that ends it: every key
   * whose token falls in one segment has the same replicas, so there are at most
   * nodes × virtualNodes of them however many keys there are. Until 2026-11-27 they were
   * remembered per key (up to 100,000), at about 460 B a key the largest single part of a soak
   * replica's heap: 8.5 of 38.9 MB at 18,398 keys, more than the cells themselves
   * (docs/reliability/soak.md).
   */
  private readonly segments: (Segment | undefined)[];

  constructor(
    private readonly nodes: readonly RingNode[],
    private readonly rf: ReplicationFactor,
    virtualNodes: number,
  ) {
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1)
      throw new RangeError(`virtualNodes must be an integer ≥ 1, got ${virtualNodes}`);
    this.regions = nodes.map((n) => n.region);
    const ring: { token: number; owner: number }[] = [];
    nodes.forEach((n, owner) => {
      for (let v = 0; v < virtualNodes; v++) ring.push({ token: hash32(`${n.id}#${v}`), owner });
    });
    // Equal tokens (rare, 32 bits) are ordered by node id, so every node builds the same ring.
    ring.sort((a, b) => a.token - b.token || (nodes[a.owner].id < nodes[b.owner].id ? -1 : 1));
    for (const t of ring) {
      this.tokens.push(t.token);
      this.owners.push(t.owner);
    }
    this.segments = new Array<Segment | undefined>(ring.length).fill(undefined);
  }

  /** The key's token. */
  static tokenOf(key: string): number {
    return hash32(key);
  }

  /** Where `key` lives. */
  of(key: string): KeyPlacement {
    const token = Placement.tokenOf(key);
    if (this.tokens.length === 0) return { token, replicas: [], preference: [] };
    const start = this.firstAtOrAfter(token);
    const segment = (this.segments[start] ??= this.walk(start));
    return { token, replicas: segment.replicas, preference: segment.preference };
  }

  /** Shorthand for `of(key).replicas`. */
  replicas(key: string): readonly NodeId[] {
    return this.of(key).replicas;
  }

  isReplica(key: string, node: NodeId): boolean {
    return this.of(key).replicas.includes(node);
  }

  /** The placement of the keys whose first token at or after theirs is `start`'s. */
  private walk(start: number): Segment {
    const preference: NodeId[] = [];
    const replicas: NodeId[] = [];
    const seen = new Set<number>();
    const taken = new Map<string, number>();
    for (let i = 0; i < this.tokens.length && seen.size < this.nodes.length; i++) {
      const owner = this.owners[(start + i) % this.tokens.length];
      if (seen.has(owner)) continue;
      seen.add(owner);
      const id = this.nodes[owner].id;
      preference.push(id);
      const region = this.regions[owner];
      const have = taken.get(region) ?? 0;
      if (have < (this.rf.get(region) ?? 0)) {
        taken.set(region, have + 1);
        replicas.push(id);
      }
    }
    return { replicas, preference };
  }

  /** Index of the first ring token ≥ `token`, wrapping to 0 past the last. */
  private firstAtOrAfter(token: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid] < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.tokens.length ? 0 : lo;
  }
}
