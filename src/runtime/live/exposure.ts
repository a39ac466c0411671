import { isLoopbackHost } from '../../core/loopback';
import type { Topology } from '../../topology';

/**
 * Warnings for the listeners of a live cluster that a topology puts off loopback. None of
 * them has authentication, by design: the replicas' client and peer APIs are a lab's data
 * plane, and the Toxiproxy API is upstream's, whose clients (toxiproxy-node-client,
 * toxiproxy-cli, testcontainers) send no credentials. Refusing these addresses would break
 * multi-host labs and Toxiproxy compatibility, so they stay allowed and are said out loud:
 * what is exposed, to whom, and how to keep it on loopback. The dashboard, the one listener
 * with controls of geolab's own, refuses off loopback without a token instead.
 */
export function exposureWarnings(topology: Topology, externalToxiproxy: boolean): string[] {
  const warnings: string[] = [];
  const wide = [...new Set(topology.nodes.map((n) => n.host))].filter((h) => !isLoopbackHost(h));
  if (wide.length > 0) {
    warnings.push(
      `replicas listen on ${wide.join(', ')} (network.host, or a region's or replica's host): ` +
        'their client and peer APIs have no authentication, so anyone who can reach them can ' +
        'read and write keys and inject peer messages; use 127.0.0.1 unless other machines must connect',
    );
  }
  if (!externalToxiproxy && !isLoopbackHost(topology.toxiproxy.host)) {
    warnings.push(
      `the Toxiproxy API listens on ${topology.toxiproxy.host} (toxiproxy.host): like upstream ` +
        'Toxiproxy it has no authentication, so anyone who can reach it can cut every link and ' +
        'open proxies to any address this host can reach; use 127.0.0.1 unless other machines must connect',
    );
  }
  if (!isLoopbackHost(topology.toxiproxy.listenHost)) {
    warnings.push(
      `the link proxies listen on ${topology.toxiproxy.listenHost} (toxiproxy.listenHost, default ` +
        'network.host): anyone who can reach them reaches the replicas behind them',
    );
  }
  return warnings;
}

/** `geolab toxiproxy --host H`: the same warning for the API alone, or undefined on loopback. */
export function toxiproxyApiWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return (
    `the API listens on ${host}: like upstream Toxiproxy it has no authentication, so anyone ` +
    'who can reach it can open proxies to any address this host can reach; keep it on ' +
    '127.0.0.1 unless other machines must connect'
  );
}

/** Each warning on stderr, one line each, before anything listens. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}
