import { createHash, type Hash } from 'node:crypto';

/**
 * A SHA-256 over text that arrives a line at a time. Lines are hashed in 64 KiB batches,
 * which costs a fraction of a hash call per line; the digest can be taken at any point.
 */
export class StreamHash {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';

  update(text: string): void {
    this.pending += text;
    if (this.pending.length > 65_536) this.flush();
  }

  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }

  private flush(): void {
    this.hash.update(this.pending);
    this.pending = '';
  }
}

/** A trace field: a name (node, message type, request id) or a number. */
export type TraceField = string | number;

const FIELDS_PER_EVENT = 6;
const BATCH_EVENTS = 4096;

/**
 * The simulator's event trace: every delivery, drop, timer, client event and fault, folded
 * into a SHA-256 as it goes, so that two runs can be compared by one hash (same seed and
 * inputs ⇒ the same hash) without keeping millions of lines. Each event is its virtual time,
 * its kind and up to four fields; strings enter the hash as their 32-bit FNV-1a, numbers as
 * they are, in batches of binary doubles: building a line of text per event cost more than
 * the rest of the simulator. Keep the lines (`keep: true`) to diff two runs that disagree.
 */
export class Trace {
  private readonly hash: Hash = createHash('sha256');
  private readonly batch = new Float64Array(BATCH_EVENTS * FIELDS_PER_EVENT);
  private filled = 0;
  private readonly kept: string[] | undefined;
  private count = 0;

  constructor(options: { keep?: boolean } = {}) {
    this.kept = options.keep ? [] : undefined;
  }

  add(
    at: number,
    kind: string,
    a: TraceField = 0,
    b: TraceField = 0,
    c: TraceField = 0,
    d: TraceField = 0,
  ): void {
    const batch = this.batch;
    let i = this.filled;
    batch[i++] = at;
    batch[i++] = fnv1a(kind);
    batch[i++] = typeof a === 'number' ? a : fnv1a(a);
    batch[i++] = typeof b === 'number' ? b : fnv1a(b);
    batch[i++] = typeof c === 'number' ? c : fnv1a(c);
    batch[i++] = typeof d === 'number' ? d : fnv1a(d);
    this.filled = i;
    if (i === batch.length) this.flush();
    this.kept?.push(`${at.toFixed(3)} ${kind} ${[a, b, c, d].filter((x) => x !== 0).join(' ')}`);
    this.count++;
  }

  get events(): number {
    return this.count;
  }

  get lines(): readonly string[] {
    return this.kept ?? [];
  }

  /** The hash of everything traced so far (the trace may go on afterwards). */
  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }

  private flush(): void {
    this.hash.update(new Uint8Array(this.batch.buffer, 0, this.filled * 8));
    this.filled = 0;
  }
}

/** Hashes of names that recur (node ids, message types): most fields are one of a few. */
const named = new Map<string, number>();

function fnv1a(text: string): number {
  let h = named.get(text);
  if (h !== undefined) return h;
  h = fnv1aOf(text);
  // Request ids are unique and would only fill the map; names are short and few.
  if (named.size < 4096 && text.length <= 24 && !text.includes(':')) named.set(text, h);
  return h;
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, stable, enough to tell names apart. */
function fnv1aOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
