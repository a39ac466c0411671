import { startLiveDashboard, type LiveDashboardOptions } from '../dashboard/live-dashboard';
import { describeReplication } from '../topology/summary';
import { dashboardMetrics } from './dashboard-metrics';
import { printDashboardUrl } from './dashboard-options';

/**
 * `geolab up --dashboard` and `geolab demo`: a live cluster with its workload and the
 * dashboard, until Ctrl-C (SIGINT) or SIGTERM stops every part: the page's server, the
 * clients, every replica process and the proxy.
 */
export async function serveLiveDashboard(
  options: LiveDashboardOptions & { readonly what: string },
): Promise<void> {
  const { log, topology } = options;
  let stopRequested = false;
  const early = (): void => {
    stopRequested = true;
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  log(`${options.what}: starting ${topology.name} (${describeReplication(topology.replication)})…`);
  let running: Awaited<ReturnType<typeof startLiveDashboard>> | undefined;
  const metrics = dashboardMetrics({
    topology,
    traffic: () => running?.cluster.proxyTraffic(),
  });
  try {
    running = await startLiveDashboard({
      ...options,
      server: { ...options.server, metrics: () => metrics.serve() },
      onEvent: (node, event) => metrics.event(node, event),
      onRecord: (op) => metrics.record(op),
    });
  } catch (err) {
    const message = (err as Error).message;
    const portInUse = /address already in use|EADDRINUSE/.test(message);
    log(
      `${options.what}: ${message}${portInUse ? ' (pick another --port, or set network.basePort and toxiproxy.port to 0 in the topology)' : ''}`,
    );
    process.exit(portInUse || (err as { exitCode?: number }).exitCode === 2 ? 2 : 1);
  }
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  const started = running;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await started.stop();
    process.exit(0);
  };
  if (stopRequested) return stop();
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  printDashboardUrl(started.server.url);
  log(`metrics: ${started.server.url.replace(/\/(\?.*)?$/, '/metrics')}`);
  log('Ctrl-C stops the dashboard, the clients, every replica and the proxy.');
}
