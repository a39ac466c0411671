import type { ReplicaEvent } from '../core/events';
import { GeolabMetrics, type GeolabMetricsOptions } from '../metrics/registry';
import type { HistoryOp } from '../workload/history';

/** A run's Prometheus metrics as the dashboard serves them at /metrics, and what feeds them. */
export interface DashboardMetrics {
  /** For the server's `metrics` option. */
  serve(): Promise<{ contentType: string; body: string }>;
  /** Every history record, in order. */
  record(op: HistoryOp): void;
  /** Every event a replica reported (live: JSON from its process, checked here). */
  event(node: string, event: unknown): void;
}

export function dashboardMetrics(options: GeolabMetricsOptions): DashboardMetrics {
  const metrics = new GeolabMetrics(options);
  const regionOf = new Map(options.topology.nodes.map((n) => [n.id, n.region]));
  return {
    serve: async () => ({ contentType: metrics.contentType, body: await metrics.text() }),
    record: (op) => void metrics.observeHistoryEvent(op),
    event: (node, event) => {
      if (!isReplicaEvent(event)) return;
      metrics.observeEvent(node, regionOf.get(node) ?? node, event);
    },
  };
}

/** Enough of a ReplicaEvent's shape for GeolabMetrics to read it safely. */
function isReplicaEvent(value: unknown): value is ReplicaEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  switch (e.kind) {
    case 'role':
      return typeof e.role === 'string';
    case 'leader':
      return e.leader === null || typeof e.leader === 'string';
    case 'commit':
      return typeof e.count === 'number';
    case 'conflict':
      return typeof e.resolver === 'string';
    case 'metric':
      return typeof e.name === 'string' && typeof e.value === 'number';
    default:
      return false;
  }
}
