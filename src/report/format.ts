import type { Percentiles } from '../experiment/results';

/** How reports write numbers: the text summary, summary.md and report.html alike. */

/** A fraction as a percentage with one decimal, or a dash when there is none. */
export const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);

/** p50 / p90 / p99 / max in ms, or a dash when no op succeeded. */
export const latencyCell = (p: Percentiles): string =>
  p.count === 0
    ? '—'
    : [p.p50, p.p90, p.p99, p.max].map((x) => (x === null ? '—' : String(x))).join(' / ');
