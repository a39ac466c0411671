/**
 * String hashes for the token ring and the Merkle trees: deterministic on every machine and
 * in every runtime, cheap, and well mixed. FNV-1a over the UTF-16 code units, finished with
 * MurmurHash3's fmix32 avalanche (Appleby, smhasher), so that names differing in one character
 * (`n1#3`, `n1#4`) land far apart on the ring. Not cryptographic: a lab's keys are not hostile.
 */

/** A 32-bit hash of `text` as an unsigned integer in [0, 2^32). */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two hashes combined in order (a Merkle tree's inner node). */
export function combine32(left: number, right: number): number {
  return fmix32((Math.imul(left ^ 0x9e3779b9, 0x01000193) + right) | 0);
}

/** The hash as 8 lowercase hex digits: a storage-safe name for a key's bucket. */
export function hex32(h: number): string {
  return h.toString(16).padStart(8, '0');
}
