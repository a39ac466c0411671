/**
 * The set of linearized ops, as a bitset over op ids numbered in invocation order.
 *
 * In a long history the set is nearly always "every op up to some point, plus a few after it",
 * so besides the words it keeps `lo`, the number of leading words that are all ones, and `hi`,
 * one past the last word that is not zero. The memo cache stores only words [lo, hi): with
 * (lo, hi) that is a canonical form, small whatever the history's length, where Porcupine
 * clones the whole bitset for every cache entry.
 */
export class LinearizedSet {
  readonly words: Uint32Array;
  lo = 0;
  hi = 0;

  constructor(size: number) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(size / 32)));
  }

  add(op: number): void {
    const w = op >>> 5;
    const words = this.words;
    words[w] |= 1 << (op & 31);
    if (w >= this.hi) this.hi = w + 1;
    if (w === this.lo) {
      while (this.lo < this.hi && words[this.lo] === 0xffffffff) this.lo++;
    }
  }

  remove(op: number): void {
    const w = op >>> 5;
    const words = this.words;
    words[w] &= ~(1 << (op & 31));
    if (w < this.lo) this.lo = w;
    if (w === this.hi - 1) {
      while (this.hi > 0 && words[this.hi - 1] === 0) this.hi--;
    }
  }
}
