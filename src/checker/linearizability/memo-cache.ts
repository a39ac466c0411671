import type { LinearizedSet } from './linearized-set';

/**
 * The set of (linearized ops, model state) configurations the search has already explored
 * (Lowe, "Testing for linearizability", 2017, §4; Porcupine's `cache`). Reaching one again
 * cannot lead anywhere new, so the search skips it.
 *
 * Stored flat to keep the search's inner loop free of allocation: each entry's words [lo, hi)
 * of the linearized set are appended to one growing Uint32Array, entries with the same bucket
 * chain through an Int32Array, and the buckets are a power-of-two table of chain heads.
 */
export class MemoCache<State> {
  private buckets: Int32Array;
  private mask: number;
  private chain: Int32Array;
  private hashes: Int32Array;
  /** Per entry: where its words start in `pool`, and its set's lo and hi. */
  private start: Int32Array;
  private los: Int32Array;
  private his: Int32Array;
  private pool: Uint32Array;
  private poolUsed = 0;
  private states: State[] = [];
  private count = 0;

  constructor(
    private readonly equal: (a: State, b: State) => boolean,
    capacity = 1024,
  ) {
    this.buckets = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.chain = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.los = new Int32Array(capacity);
    this.his = new Int32Array(capacity);
    this.pool = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds (linearized, state) unless it is there already; true when it was new. `hash` must be
   * the same for equal pairs.
   */
  add(hash: number, linearized: LinearizedSet, state: State): boolean {
    const { words, lo, hi } = linearized;
    for (let e = this.buckets[hash & this.mask]; e >= 0; e = this.chain[e]) {
      if (this.hashes[e] !== hash || this.los[e] !== lo || this.his[e] !== hi) continue;
      let same = true;
      for (let w = lo, p = this.start[e]; w < hi; w++, p++) {
        if (this.pool[p] !== words[w]) {
          same = false;
          break;
        }
      }
      if (same && this.equal(this.states[e], state)) return false;
    }
    if (this.count === this.chain.length) this.grow();
    if (this.poolUsed + (hi - lo) > this.pool.length) this.growPool(hi - lo);
    const e = this.count++;
    this.start[e] = this.poolUsed;
    this.los[e] = lo;
    this.his[e] = hi;
    this.pool.set(words.subarray(lo, hi), this.poolUsed);
    this.poolUsed += hi - lo;
    this.hashes[e] = hash;
    this.states.push(state);
    const b = hash & this.mask;
    this.chain[e] = this.buckets[b];
    this.buckets[b] = e;
    return true;
  }

  private grow(): void {
    const capacity = this.chain.length * 2;
    const widen = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.hashes = widen(this.hashes);
    this.start = widen(this.start);
    this.los = widen(this.los);
    this.his = widen(this.his);
    this.chain = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let e = 0; e < this.count; e++) {
      const b = this.hashes[e] & this.mask;
      this.chain[e] = this.buckets[b];
      this.buckets[b] = e;
    }
  }

  private growPool(needed: number): void {
    const pool = new Uint32Array(Math.max(this.pool.length * 2, this.poolUsed + needed));
    pool.set(this.pool.subarray(0, this.poolUsed));
    this.pool = pool;
  }
}
