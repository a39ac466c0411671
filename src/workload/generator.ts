import type { Json } from '../core/json';
import type { Op } from '../core/messages/client';
import type { Rng } from '../core/random';
import type { OperationType, Workload } from '../topology';

/**
 * The operations a client issues: keys drawn by the workload's distribution, op types by its
 * mix, and written values unique across the whole run (an integer counter shared by every
 * client of one generator), so that every read can be traced to the one write it saw
 * (DESIGN §5). Pure apart from its counters: all randomness comes from the Rng passed in.
 */
export class OpGenerator {
  private readonly types: OperationType[] = [];
  private readonly cumulative: number[] = [];
  private readonly zipfCdf: Float64Array | undefined;
  private nextValue = 1;
  /** The last value written per key, a cas's best guess at what it will find. */
  private readonly lastWritten = new Map<string, Json>();

  constructor(private readonly workload: Workload) {
    let total = 0;
    for (const [type, weight] of Object.entries(workload.mix) as [OperationType, number][]) {
      if (!(weight > 0)) continue;
      total += weight;
      this.types.push(type);
      this.cumulative.push(total);
    }
    if (this.types.length === 0) throw new RangeError('the workload mix has no operation');
    this.cumulative = this.cumulative.map((c) => c / total);
    if (workload.keyDistribution === 'zipfian') {
      // P(rank i) ∝ 1 / i^s over ranks 1..keys.
      const cdf = new Float64Array(workload.keys);
      let sum = 0;
      for (let i = 0; i < workload.keys; i++)
        cdf[i] = sum += 1 / Math.pow(i + 1, workload.zipfExponent);
      for (let i = 0; i < workload.keys; i++) cdf[i] /= sum;
      this.zipfCdf = cdf;
    }
  }

  /** The next op, drawing from `rng`. */
  next(rng: Rng): Op {
    const key = this.key(rng);
    const type = this.type(rng);
    if (this.workload.keysByType !== true) return this.op(type, key);
    // A read reads the keys of the type an update drawn from the rest of the mix would touch.
    const updated = type === 'read' ? this.updateType(rng) : type;
    return this.op(type, `${KEY_PREFIX[updated]}${key.slice(1)}`);
  }

  private op(type: OperationType, key: string): Op {
    switch (type) {
      case 'read':
        return { f: 'read', key };
      case 'write': {
        const value = this.unique();
        this.lastWritten.set(key, value);
        return { f: 'write', key, value };
      }
      case 'cas': {
        const value = this.unique();
        const expected = this.lastWritten.get(key) ?? null;
        this.lastWritten.set(key, value);
        return { f: 'cas', key, value: [expected, value] };
      }
      case 'increment':
        return { f: 'increment', key, value: 1 };
      case 'append':
        return { f: 'append', key, value: this.unique() };
      case 'text':
        return { f: 'text', key, value: { index: 0, delete: 0, insert: `${this.unique()} ` } };
    }
  }

  /** Keys are k0, k1, …; k0 is the hottest under zipfian and hotkey. */
  private key(rng: Rng): string {
    const n = this.workload.keys;
    switch (this.workload.keyDistribution) {
      case 'uniform':
        return `k${rng.below(n)}`;
      case 'hotkey':
        return rng.next() < this.workload.hotKeyFraction || n === 1
          ? 'k0'
          : `k${1 + rng.below(n - 1)}`;
      case 'zipfian':
        return `k${firstAtLeast(this.zipfCdf ?? new Float64Array([1]), rng.next())}`;
    }
  }

  /** An op type other than read, by the mix's weights (write when the mix has only reads). */
  private updateType(rng: Rng): OperationType {
    const updates = this.types
      .map((type, i) => ({ type, weight: this.cumulative[i] - (this.cumulative[i - 1] ?? 0) }))
      .filter((t) => t.type !== 'read');
    const total = updates.reduce((sum, t) => sum + t.weight, 0);
    let u = rng.next() * total;
    for (const t of updates) if ((u -= t.weight) < 0) return t.type;
    return updates[updates.length - 1]?.type ?? 'write';
  }

  private type(rng: Rng): OperationType {
    const u = rng.next();
    for (let i = 0; i < this.types.length; i++) if (u < this.cumulative[i]) return this.types[i];
    return this.types[this.types.length - 1];
  }

  private unique(): number {
    return this.nextValue++;
  }
}

/** With `keysByType`, the letter that replaces the `k` of a key, by the type its ops update. */
const KEY_PREFIX: Readonly<Record<OperationType, string>> = {
  read: 'k',
  write: 'k',
  cas: 'k',
  increment: 'c',
  append: 'l',
  text: 't',
};

/** The first index whose cumulative value is ≥ u (binary search). */
function firstAtLeast(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
