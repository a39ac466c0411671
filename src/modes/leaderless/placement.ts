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

/** Placements remembered per key; beyond this the cache starts over (a lab has few keys). */
const CACHE_LIMIT = 100_000;

export class Placement {
  private readonly tokens: number[] = [];
  private readonly owners: number[] = [];
  private readonly regions: string[];
  private readonly cache = new Map<string, KeyPlacement>();

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
  }

  /** The key's token. */
  static tokenOf(key: string): number {
    return hash32(key);
  }

  /** Where `key` lives. */
  of(key: string): KeyPlacement {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const placement = this.compute(key);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, placement);
    return placement;
  }

  /** Shorthand for `of(key).replicas`. */
  replicas(key: string): readonly NodeId[] {
    return this.of(key).replicas;
  }

  isReplica(key: string, node: NodeId): boolean {
    return this.of(key).replicas.includes(node);
  }

  private compute(key: string): KeyPlacement {
    const token = Placement.tokenOf(key);
    const preference: NodeId[] = [];
    const replicas: NodeId[] = [];
    if (this.tokens.length === 0) return { token, replicas, preference };
    const seen = new Set<number>();
    const taken = new Map<string, number>();
    const start = this.firstAtOrAfter(token);
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
    return { token, replicas, preference };
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
