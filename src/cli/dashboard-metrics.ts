import { GeolabMetrics, type GeolabMetricsOptions } from '../metrics/registry';
import type { HistoryOp } from '../workload/history';

/** A run's Prometheus metrics as the dashboard serves them at /metrics, and what feeds them. */
export interface DashboardMetrics {
  /** For the server's `metrics` option. */
  serve(): Promise<{ contentType: string; body: string }>;
  /** Every history record, in order. */
  record(op: HistoryOp): void;
  /** Every event a replica reported (live: JSON from its process, checked by the metrics). */
  event(node: string, event: unknown): void;
}

export function dashboardMetrics(options: GeolabMetricsOptions): DashboardMetrics {
  const metrics = new GeolabMetrics(options);
  return {
    serve: async () => ({ contentType: metrics.contentType, body: await metrics.text() }),
    record: (op) => void metrics.observeHistoryEvent(op),
    event: (node, event) => metrics.observeReportedEvent(node, event),
  };
}
