/**
 * A small seeded pseudo-random generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled
 * linear pseudorandom number generators", 2021; reference C at prng.di.unimi.it), seeded
 * through SplitMix64 as its authors recommend, so that nearby seeds (1, 2, 3…) give unrelated
 * streams.
 *
 * Why this one: 128 bits of state and a 2^128 − 1 period, passes BigCrush, and every step is
 * 32-bit integer arithmetic (`Math.imul`, shifts), exact and fast in JavaScript. It is not
 * cryptographic; it is for the simulator and tests, where the same seed must give the same
 * run on every machine. Math.random() cannot be seeded, so nothing deterministic may use it.
 *
 * `fork(label)` derives an independent generator from this one's seed and a label alone (not
 * from how far this one has advanced), so the simulator can give each node, link and client
 * its own stream: adding a draw in one place does not perturb the others.
 */

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_32 = 0x1_0000_0000;

/** SplitMix64's output function (Steele, Lea & Flood 2014), over BigInt because it is 64-bit. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** FNV-1a, 64-bit, over the UTF-8 bytes of a string: turns names into seeds. */
function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

/** A seed: a non-negative safe integer, or any string (hashed). */
export type Seed = number | string;

function seedBits(seed: Seed): bigint {
  if (typeof seed === 'string') return fnv1a64(seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer or a string, got ${seed}`);
  }
  return BigInt(seed);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The 64-bit seed this generator was built from; forks derive theirs from it alone. */
  private seedBits = 0n;

  constructor(seed: Seed) {
    this.reseed(seedBits(seed));
  }

  /** A generator with the given raw state, for known-answer tests against the reference C. */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((w) => w >>> 0);
    return rng;
  }

  /** An independent generator named by `label`; the same seed and label give the same stream. */
  fork(label: string): Rng {
    const child = new Rng(0);
    child.reseed(mix64(this.seedBits ^ fnv1a64(label)));
    return child;
  }

  /** The next 32 random bits as an unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution: enough for delays and coin flips. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling), for 1 ≤ n ≤ 2^32. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`below(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  private reseed(bits: bigint): void {
    this.seedBits = bits;
    // Two SplitMix64 outputs fill the four 32-bit words, low half first (as the reference
    // seeding loop writes them on a little-endian machine).
    const a = mix64((bits + GOLDEN_GAMMA) & MASK64);
    const b = mix64((bits + 2n * GOLDEN_GAMMA) & MASK64);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
    // All-zero is xoshiro's one fixed point; two SplitMix64 outputs are never both zero for a
    // 64-bit input, but the guard keeps the invariant local.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }
}
