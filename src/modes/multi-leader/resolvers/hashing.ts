/**
 * Small non-cryptographic hashes: which shard a key lives in, and a digest of a replica's
 * canonical state (for comparing replicas, not for security). Modes may not import
 * node:crypto (DESIGN §1), and neither needs more than this.
 */

/** 32-bit FNV-1a over UTF-16 code units: stable across runs, machines and processes. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The document (shard) a key belongs to. A stable hash, so every replica and every
 * incarnation agrees without telling each other, and one key's ops always meet in one
 * document, where the library orders them.
 */
export function shardOf(key: string, shards: number): number {
  return fnv1a32(key) % shards;
}

/** A 64-bit digest (two independent FNV-1a lanes) as 16 hex digits. */
export function digest(text: string): string {
  const a = fnv1a32(text);
  const b = fnv1a32(text, 0x2f7e8d13);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
