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
  private readonly buckets = new Map<string, Set<string>>();

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
    this.persist(bucketOf(key));
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return;
    const bucket = bucketOf(key);
    this.buckets.get(bucket)?.delete(key);
    this.persist(bucket);
  }

  private remember(key: string, value: V): void {
    this.values.set(key, value);
    const bucket = bucketOf(key);
    const members = this.buckets.get(bucket);
    if (members === undefined) this.buckets.set(bucket, new Set([key]));
    else members.add(key);
  }

  private persist(bucket: string): void {
    const members = [...(this.buckets.get(bucket) ?? [])];
    const name = `${this.prefix}${bucket}`;
    if (members.length === 0) {
      this.buckets.delete(bucket);
      this.storage.delete(name);
      return;
    }
    this.storage.put(
      name,
      members.map((k) => [k, this.toJson(this.values.get(k) as V)]),
    );
  }
}

/** The bucket a key is filed in: its hash as 8 hex digits. */
export function bucketOf(key: string): string {
  return hex32(hash32(key));
}
