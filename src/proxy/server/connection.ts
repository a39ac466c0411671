import type { Socket } from 'node:net';
import type { Direction, ToxicConfig } from './toxic-config';
import { Link, type ByteCount } from './link';

/** What a connection needs from its proxy. */
export interface ConnectionHost {
  random(): number;
  closed(connection: Connection): void;
  /** The proxy's byte counts, which this connection's links add to. */
  readonly forwarded?: Readonly<Record<Direction, ByteCount>>;
}

/**
 * One accepted client and the upstream connection dialled for it, joined by two links:
 * `upstream` (client → server) and `downstream` (server → client).
 *
 * Closing follows upstream's link.go, where the end of either stream closes both sockets: when
 * one direction's end has passed its toxics, its destination is closed and the other direction
 * stops reading, delivers what its toxics still hold, and closes its own destination. There is
 * no half-close.
 */
export class Connection {
  private readonly links: Record<Direction, Link>;
  /** Close with RST instead of FIN: a `reset_peer` toxic existed when it was accepted. */
  private readonly reset: boolean;
  private closedSockets = 0;
  private disposed = false;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    toxics: {
      readonly upstream: readonly ToxicConfig[];
      readonly downstream: readonly ToxicConfig[];
    },
    private readonly host: ConnectionHost,
  ) {
    this.reset = [...toxics.upstream, ...toxics.downstream].some(
      (t) => t.kind.resetsNewConnections === true,
    );
    const linkHost = { random: () => host.random(), finished: (l: Link) => this.finished(l) };
    this.links = {
      upstream: new Link(client, server, toxics.upstream, linkHost, host.forwarded?.upstream),
      downstream: new Link(server, client, toxics.downstream, linkHost, host.forwarded?.downstream),
    };
    for (const socket of [client, server]) {
      socket.on('close', () => this.socketClosed(socket));
    }
    this.links.upstream.start();
    this.links.downstream.start();
  }

  link(direction: Direction): Link {
    return this.links[direction];
  }

  /** Closes both sockets at once (the proxy was disabled, deleted or shut down). */
  destroy(): void {
    for (const socket of [this.client, this.server]) this.closeSocket(socket, false);
    this.dispose();
  }

  private finished(link: Link): void {
    this.closeSocket(link.dest, true);
    const other = link === this.links.upstream ? this.links.downstream : this.links.upstream;
    other.endInput();
  }

  /** A socket closed (by us, by its peer, or by an error): nothing more can pass through it. */
  private socketClosed(socket: Socket): void {
    for (const link of [this.links.upstream, this.links.downstream]) {
      if (link.src === socket || link.dest === socket) link.endInput();
    }
    if (++this.closedSockets === 2) this.dispose();
  }

  private closeSocket(socket: Socket, flush: boolean): void {
    if (socket.destroyed) return;
    if (this.reset) {
      socket.resetAndDestroy();
    } else if (flush) {
      // Go's Close after a blocking write: what was written still goes out, then FIN.
      socket.end(() => socket.destroy());
    } else {
      socket.destroy();
    }
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.links.upstream.dispose();
    this.links.downstream.dispose();
    this.host.closed(this);
  }
}
