import type { Env } from '../../core/env';

/**
 * How many keys a replica holds, reported for the dashboard's map and /metrics as a `keys`
 * gauge event: counted at most once a second of the replica's clock (a count may cost a walk
 * over the documents), and sent only when it changed.
 */
export class KeyGauge {
  private last = -1;
  private lastAt = -Infinity;

  constructor(private readonly env: Env) {}

  update(count: () => number): void {
    const now = this.env.now();
    if (now - this.lastAt < 1000) return;
    this.lastAt = now;
    const n = count();
    if (n === this.last) return;
    this.last = n;
    this.env.emit({ kind: 'metric', name: 'keys', type: 'gauge', value: n });
  }
}
