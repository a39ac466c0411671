/**
 * The set of (linearized ops, model state) configurations the search has already explored
 * (Lowe, "Testing for linearizability", 2017, §4; Porcupine's `cache`). Reaching one again
 * cannot lead anywhere new, so the search skips it.
 *
 * Stored flat to keep the search's inner loop free of allocation: every entry's bitset lives in
 * one growing Uint32Array, entries with the same bucket chain through an Int32Array, and the
 * buckets are a power-of-two table of chain heads.
 */
export class MemoCache<State> {
  private buckets: Int32Array;
  private mask: number;
  private chain: Int32Array;
  private hashes: Int32Array;
  private bits: Uint32Array;
  private states: State[] = [];
  private count = 0;

  constructor(
    private readonly words: number,
    private readonly equal: (a: State, b: State) => boolean,
    capacity = 1024,
  ) {
    this.buckets = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.chain = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.bits = new Uint32Array(capacity * Math.max(1, words));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds (linearized, state) unless it is there already; true when it was new. `hash` must be
   * the same for equal pairs.
   */
  add(hash: number, linearized: Uint32Array, state: State): boolean {
    const w = this.words;
    for (let e = this.buckets[hash & this.mask]; e >= 0; e = this.chain[e]) {
      if (this.hashes[e] !== hash) continue;
      let same = true;
      for (let i = 0, base = e * w; i < w; i++) {
        if (this.bits[base + i] !== linearized[i]) {
          same = false;
          break;
        }
      }
      if (same && this.equal(this.states[e], state)) return false;
    }
    if (this.count === this.chain.length) this.grow();
    const e = this.count++;
    this.bits.set(linearized, e * w);
    this.hashes[e] = hash;
    this.states.push(state);
    const b = hash & this.mask;
    this.chain[e] = this.buckets[b];
    this.buckets[b] = e;
    return true;
  }

  private grow(): void {
    const capacity = this.chain.length * 2;
    const chain = new Int32Array(capacity);
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    const bits = new Uint32Array(capacity * Math.max(1, this.words));
    bits.set(this.bits);
    this.chain = chain;
    this.hashes = hashes;
    this.bits = bits;
    this.buckets = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let e = 0; e < this.count; e++) {
      const b = hashes[e] & this.mask;
      chain[e] = this.buckets[b];
      this.buckets[b] = e;
    }
  }
}
