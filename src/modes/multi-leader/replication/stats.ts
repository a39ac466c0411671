/**
 * What replication costs, as a replica measures it: how long an origin's batch took to become
 * visible here, how long causal delivery held batches back, and how many bytes went to
 * metadata rather than to the ops themselves. Each measurement is also emitted as a `metric`
 * event (for Prometheus and the dashboard); this keeps a summary for tests and reports.
 */

/** A running summary of samples: count, mean and max exactly, percentiles over the latest. */
export class Samples {
  private n = 0;
  private sum = 0;
  private largest = 0;
  private readonly latest: number[] = [];
  private next = 0;

  constructor(private readonly keep = 4096) {}

  add(x: number): void {
    this.n++;
    this.sum += x;
    this.largest = Math.max(this.largest, x);
    if (this.latest.length < this.keep) this.latest.push(x);
    else this.latest[this.next] = x;
    this.next = (this.next + 1) % this.keep;
  }

  summary(): SampleSummary {
    const sorted = [...this.latest].sort((a, b) => a - b);
    const at = (q: number): number =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return {
      count: this.n,
      mean: this.n === 0 ? 0 : this.sum / this.n,
      p50: at(0.5),
      p99: at(0.99),
      max: this.largest,
    };
  }
}

export interface SampleSummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Totals a leader keeps about the batches it sealed. */
export interface SealTotals {
  /** Batches sealed, and the client ops and CRDT changes in them. */
  updates: number;
  ops: number;
  changes: number;
  /** JSON bytes of the sealed batches, the part that is not the resolver's payload, and the library's own binary bytes. */
  bytes: number;
  metadataBytes: number;
  binaryBytes: number;
}

export function emptySealTotals(): SealTotals {
  return { updates: 0, ops: 0, changes: 0, bytes: 0, metadataBytes: 0, binaryBytes: 0 };
}
