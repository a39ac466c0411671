import { StaleReadDetector } from '../metrics/stale-reads';
import type { HistoryOp } from '../workload/history';
import type { RegionStats } from './protocol';

/**
 * Per-region client figures over the last few seconds, from the history records as they
 * happen: ops/s, errors/s (fail and info), p50/p99 latency of completed ops, and the stale
 * reads and conflicts counted since the start. Stale reads are judged as /metrics and the
 * staleness checker judge them (metrics/stale-reads.ts).
 */
export class OpStats {
  private readonly detector = new StaleReadDetector();
  private readonly done: { region: string; time: number; latencyMs: number; ok: boolean }[] = [];
  private readonly stale = new Map<string, number>();
  private readonly conflicts = new Map<string, number>();

  constructor(
    private readonly regions: readonly string[],
    private readonly windowMs = 3000,
  ) {}

  /** A history record, in history order. */
  record(event: HistoryOp): void {
    const completed = this.detector.observeEvent(event);
    if (completed === undefined) return;
    const { op, verdict } = completed;
    const region = op.region ?? '';
    this.done.push({
      region,
      time: event.time,
      latencyMs: event.time - op.call,
      ok: op.type === 'ok',
    });
    if (verdict === 'stale') this.stale.set(region, (this.stale.get(region) ?? 0) + 1);
  }

  conflict(region: string): void {
    this.conflicts.set(region, (this.conflicts.get(region) ?? 0) + 1);
  }

  /** Each region's figures over the window ending at `now` (ms, the history's clock). */
  stats(now: number): RegionStats[] {
    const from = now - this.windowMs;
    while (this.done.length > 0 && this.done[0].time < from) this.done.shift();
    const seconds = this.windowMs / 1000;
    return this.regions.map((region) => {
      const recent = this.done.filter((d) => d.region === region && d.time <= now);
      const ok = recent.filter((d) => d.ok).map((d) => d.latencyMs);
      ok.sort((a, b) => a - b);
      return {
        region,
        opsPerSec: round(ok.length / seconds),
        errorsPerSec: round((recent.length - ok.length) / seconds),
        p50: quantile(ok, 0.5),
        p99: quantile(ok, 0.99),
        staleReads: this.stale.get(region) ?? 0,
        conflicts: this.conflicts.get(region) ?? 0,
      };
    });
  }
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
