import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error';
import { joinHostPort, listenErrorMessage } from './address';
import { DEFAULT_MAX_BODY_BYTES, apiListener } from './http-server';
import { Mutex } from './mutex';
import type { ProxyConfig } from './proxy-body';
import { decodePopulate } from './proxy-body';
import { ProxyCollection } from './proxy-collection';

import type { ProxyTraffic } from './proxy';

export type { ProxyConfig } from './proxy-body';
export type { ProxyTraffic } from './proxy';
export { TOXIPROXY_API_VERSION } from './routes';

export interface ToxiproxyServerOptions {
  /** Where the HTTP API listens; default 127.0.0.1 (upstream's default is localhost). */
  readonly host?: string;
  /** Default 8474, upstream's; 0 picks a free port (see `port` on the result). */
  readonly port?: number;
  /** Proxies to create before serving, as `POST /populate` (or toxiproxy-server -config). */
  readonly proxies?: readonly ProxyConfig[];
  /** The random source for toxicity rolls, latency jitter and slicing; default Math.random. */
  readonly random?: () => number;
  /** The largest request body accepted; default 1 MiB. */
  readonly maxBodyBytes?: number;
}

export interface ToxiproxyServer {
  /** The API's base URL, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
  /** The port the API is bound to (the chosen one when asked for 0). */
  readonly port: number;
  /**
   * Bytes each proxy has forwarded, by name (sorted); a proxy deleted through the API takes its
   * counts with it. Cheap: a read of two counters per proxy, for `/metrics` scrapes.
   */
  traffic(): ProxyTraffic[];
  /** Closes the API, every proxy listener and every proxied connection. */
  close(): Promise<void>;
}

/** Starts an embedded Toxiproxy-compatible server (API v2, as Shopify/toxiproxy 2.12). */
export async function startToxiproxyServer(
  options: ToxiproxyServerOptions = {},
): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const proxies = new ProxyCollection(options.random ?? Math.random);
  if (options.proxies !== undefined && options.proxies.length > 0) {
    try {
      await proxies.populate(decodePopulate(options.proxies));
    } catch (err) {
      await proxies.closeAll();
      throw err;
    }
  }
  const state = { proxies, changes: new Mutex() };
  const http = createServer(apiListener(state, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host, port: options.port ?? 8474, exclusive: true }, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await proxies.closeAll();
    const address = joinHostPort(host, options.port ?? 8474);
    throw new ApiError(listenErrorMessage(address, err as NodeJS.ErrnoException), 500);
  }
  http.on('error', () => undefined);
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${joinHostPort(host, port)}`,
    port,
    traffic: () => proxies.list().map((p) => p.traffic()),
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await state.changes.run(() => proxies.closeAll());
        await stopped;
      })()),
  };
}
