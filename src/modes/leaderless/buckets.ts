/**
 * A durable map from client keys to values, in memory for reads and in DurableStorage for
 * crashes. Keys are client strings of up to 256 characters, and hard-state names are
 * restricted (DurableStorage: NAME_PATTERN, 128 characters), so entries are filed in buckets
 * named by the key's hash, `<prefix><8 hex digits>`, each holding the [key, value] pairs that
 * share it. Writes take effect at once; the caller syncs before relying on them.
 */
import type { Json } from '../../core/json';
import type { DurableStorage } from '../../core/storage/durable-storage';
import { hash32, hex32 } from './hash';

export class BucketedMap<V> {
  private readonly values = new Map<string, V>();
  /**
   * The keys filed in each bucket, by the bucket's hash: the one key itself, or the keys in
   * order when hashes collide (rare: 32 bits). Until 2026-11-27 this was a Set per bucket
   * under its hex name, about 220 B a key: 4.0 of a soak replica's 38.9 MB live heap at
   * 18,398 keys (docs/reliability/soak.md).
   */
  private readonly buckets = new Map<number, string | string[]>();

  constructor(
    private readonly storage: DurableStorage,
    private readonly prefix: string,
    /** Values are written as JSON and read back by a cast: this node wrote them. */
    private readonly toJson: (value: V) => Json = (v) => v as unknown as Json,
  ) {}

  /** Reads back what the disk holds (after a restart). */
  load(): void {
    for (const name of this.storage.keys()) {
      if (!name.startsWith(this.prefix) || name.length !== this.prefix.length + 8) continue;
      const bucket = this.storage.get(name) as readonly (readonly [string, Json])[] | undefined;
      for (const [key, value] of bucket ?? []) this.remember(key, value as unknown as V);
    }
  }

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  get size(): number {
    return this.values.size;
  }

  keys(): IterableIterator<string> {
    return this.values.keys();
  }

  entries(): IterableIterator<[string, V]> {
    return this.values.entries();
  }

  set(key: string, value: V): void {
    this.remember(key, value);
    this.persist(hash32(key));
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return;
    const hash = hash32(key);
    const members = this.membersOf(hash).filter((k) => k !== key);
    if (members.length === 0) this.buckets.delete(hash);
    else this.buckets.set(hash, members.length === 1 ? members[0] : members);
    this.persist(hash);
  }

  private remember(key: string, value: V): void {
    this.values.set(key, value);
    const hash = hash32(key);
    const members = this.buckets.get(hash);
    if (members === undefined) this.buckets.set(hash, key);
    else if (typeof members === 'string') {
      if (members !== key) this.buckets.set(hash, [members, key]);
    } else if (!members.includes(key)) members.push(key);
  }

  private membersOf(hash: number): readonly string[] {
    const members = this.buckets.get(hash);
    return members === undefined ? [] : typeof members === 'string' ? [members] : members;
  }

  private persist(hash: number): void {
    const members = this.membersOf(hash);
    const name = `${this.prefix}${hex32(hash)}`;
    if (members.length === 0) {
      this.storage.delete(name);
      return;
    }
    this.storage.put(
      name,
      members.map((k) => [k, this.toJson(this.values.get(k) as V)]),
    );
  }
}
