import type { RawTopology } from './raw';
import type { Reporter } from './reporter';
import { DEFAULT_HOST } from './resolve-nodes';
import type { Endpoint, Node, Topology } from './types';

export const DEFAULT_TOXIPROXY_PORT = 8474;
export const DEFAULT_DASHBOARD_PORT = 8080;
/** The OpenTelemetry Prometheus exporter's customary port. */
export const DEFAULT_METRICS_PORT = 9464;

interface Listener {
  what: string;
  host: string;
  port: number;
  path: (string | number)[];
  /** False for a default the file did not write. */
  written: boolean;
}

/** The embedded Toxiproxy, dashboard and metrics endpoints; any two listeners on one port clash. */
export function resolveEndpoints(
  raw: RawTopology,
  nodes: readonly Node[],
  nodePaths: ReadonlyMap<string, (string | number)[]>,
  report: Reporter,
): Pick<Topology, 'toxiproxy' | 'dashboard' | 'metrics'> {
  const host = raw.network?.host ?? DEFAULT_HOST;
  const toxiproxy = {
    url: raw.toxiproxy?.url ?? 'embedded',
    host: raw.toxiproxy?.host ?? DEFAULT_HOST,
    port: raw.toxiproxy?.port ?? DEFAULT_TOXIPROXY_PORT,
    listenHost: raw.toxiproxy?.listenHost ?? host,
  };
  const endpoint = (e: RawTopology['dashboard'], port: number): Endpoint => ({
    enabled: e?.enabled ?? true,
    host: e?.host ?? DEFAULT_HOST,
    port: e?.port ?? port,
  });
  const dashboard = endpoint(raw.dashboard, DEFAULT_DASHBOARD_PORT);
  const metrics = endpoint(raw.metrics, DEFAULT_METRICS_PORT);

  const listeners: Listener[] = nodes.map((n) => ({
    what: `node ${n.id}`,
    host: n.host,
    port: n.port,
    path: [...(nodePaths.get(n.id) ?? ['regions'])],
    written: true,
  }));
  const services = [
    {
      name: 'toxiproxy',
      on: toxiproxy.url === 'embedded',
      at: toxiproxy,
      written: raw.toxiproxy?.port,
    },
    { name: 'dashboard', on: dashboard.enabled, at: dashboard, written: raw.dashboard?.port },
    { name: 'metrics', on: metrics.enabled, at: metrics, written: raw.metrics?.port },
  ];
  for (const s of services.filter((service) => service.on)) {
    listeners.push({
      what: `${s.name}.port`,
      host: s.at.host,
      port: s.at.port,
      path: [s.name, 'port'],
      written: s.written !== undefined,
    });
  }
  const seen: Listener[] = [];
  for (const l of listeners) {
    // Port 0 asks the OS for a free port when the listener starts, so it never clashes.
    const clash =
      l.port === 0 ? undefined : seen.find((s) => s.port === l.port && sameHost(s.host, l.host));
    if (clash) {
      report.error(
        l.path,
        `port clash: ${l.what} and ${clash.what} (${clash.written ? `line ${report.lineOf(clash.path)}` : 'by default'}) both listen on ${l.host}:${l.port} (give one another port, or 0 for a free one)`,
      );
    }
    seen.push(l);
  }
  return { toxiproxy, dashboard, metrics };
}

function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => (h === 'localhost' ? '127.0.0.1' : h);
  const [x, y] = [norm(a), norm(b)];
  // A wildcard address takes the port on every interface.
  return x === y || x === '0.0.0.0' || y === '0.0.0.0' || x === '::' || y === '::';
}
