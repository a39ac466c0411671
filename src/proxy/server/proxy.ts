import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { badListenAddress, bindConflict } from './api-error';
import {
  AddressError,
  isWildcardHost,
  joinHostPort,
  listenErrorMessage,
  resolveListenHost,
  splitHostPort,
} from './address';
import { Connection } from './connection';
import type { ByteCount } from './link';
import { ToxicCollection } from './toxic-collection';
import type { ToxicJson } from './toxic-config';
import { toxicJson } from './toxic-config';

/** The API's proxy object, keys in upstream's order. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** Bytes a proxy has forwarded since it was created, per direction, over all its connections. */
export interface ProxyTraffic {
  readonly name: string;
  /** Client → upstream server bytes. */
  readonly upstreamBytes: number;
  /** Upstream server → client bytes. */
  readonly downstreamBytes: number;
}

/** What a proxy's listener and upstream are, as an update gives them. */
export interface ProxySettings {
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

/**
 * One proxy (upstream's proxy.go): a listener on `listen` that, for every client it accepts,
 * dials `upstream` at once (closing the client if that fails) and joins the two through the
 * proxy's toxics. Disabling it closes the listener, so new clients are refused, and closes every
 * open connection.
 */
export class Proxy {
  /** While enabled, the bound address (`127.0.0.1:40123`); otherwise as last set or bound. */
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicCollection;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Shared by every connection's links; survives disable/enable, as a counter must. */
  private readonly forwarded: { upstream: ByteCount; downstream: ByteCount } = {
    upstream: { bytes: 0 },
    downstream: { bytes: 0 },
  };
  /** Sockets of clients whose upstream is still being dialled. */
  private readonly dialling = new Set<Socket>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly random: () => number,
  ) {
    this.listen = listen;
    this.upstream = upstream;
    this.toxics = new ToxicCollection(() => this.connections);
  }

  toJson(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  traffic(): ProxyTraffic {
    return {
      name: this.name,
      upstreamBytes: this.forwarded.upstream.bytes,
      downstreamBytes: this.forwarded.downstream.bytes,
    };
  }

  /** Binds the listener; a failure is a 400 or 409 worded like Go's `net.Listen` error. */
  async start(): Promise<void> {
    if (this.enabled) return;
    let host: string;
    let port: number;
    try {
      ({ host, port } = splitHostPort(this.listen));
      host = isWildcardHost(host) ? '::' : await resolveListenHost(host);
    } catch (err) {
      if (err instanceof AddressError) throw badListenAddress(`listen tcp: ${err.message}`);
      throw err;
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (c) =>
      this.accept(c),
    );
    try {
      await listen(server, port, host).catch((err: NodeJS.ErrnoException) => {
        // A host without IPv6 still has the IPv4 wildcard.
        if (host === '::' && err.code !== 'EADDRINUSE') return listen(server, port, '0.0.0.0');
        throw err;
      });
    } catch (err) {
      throw bindConflict(
        listenErrorMessage(joinHostPort(host, port), err as NodeJS.ErrnoException),
      );
    }
    server.on('error', () => undefined);
    const bound = server.address() as AddressInfo;
    // Go reports a wildcard listener as [::]:port, and any other by the address it bound.
    this.listen = host === '::' ? `[::]:${bound.port}` : joinHostPort(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Closes the listener and every connection (FIN, or RST where reset_peer asked for it). */
  async stop(): Promise<void> {
    const server = this.server;
    this.enabled = false;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    for (const socket of this.dialling) socket.destroy();
    await closed;
  }

  /**
   * Applies an update (proxy.go `Update`): a new listen or upstream restarts the listener and
   * drops the connections; `enabled` starts or stops it.
   */
  async update(settings: ProxySettings): Promise<void> {
    if (settings.listen !== this.listen || settings.upstream !== this.upstream) {
      await this.stop();
      this.listen = settings.listen;
      this.upstream = settings.upstream;
    }
    if (settings.enabled && !this.enabled) await this.start();
    else if (!settings.enabled && this.enabled) await this.stop();
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    let host: string;
    let port: number;
    try {
      ({ host, port } = splitHostPort(this.upstream));
    } catch {
      client.destroy();
      return;
    }
    const server = connect({ host, port, allowHalfOpen: true, noDelay: true });
    server.on('error', () => undefined);
    this.dialling.add(client).add(server);
    const abandon = (): void => {
      this.dialling.delete(client);
      this.dialling.delete(server);
      client.destroy();
      server.destroy();
    };
    client.once('close', abandon);
    server.once('close', abandon);
    server.once('connect', () => {
      client.off('close', abandon);
      server.off('close', abandon);
      this.dialling.delete(client);
      this.dialling.delete(server);
      const connection = new Connection(client, server, this.toxics.snapshot(), {
        random: this.random,
        closed: (c) => this.connections.delete(c),
        forwarded: this.forwarded,
      });
      this.connections.add(connection);
    });
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
