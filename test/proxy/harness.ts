/**
 * Shared fixtures for the proxy tests: an embedded server on port 0, upstream servers on
 * loopback, sockets, and raw HTTP. Everything started here is closed by `Harness.close()`, so
 * jest exits on its own.
 */
import { request } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Proxy, ToxicDirection } from 'toxiproxy-node-client';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ToxiproxyServer, ToxiproxyServerOptions } from '../../src/proxy/server';
import { startToxiproxyServer } from '../../src/proxy/server';

/** An upstream on loopback that hands each accepted socket to the test. */
export class Upstream {
  readonly sockets: Socket[] = [];
  private waiting: ((s: Socket) => void)[] = [];
  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  /** `echo`: write back whatever arrives; otherwise the test drives each socket. */
  static async start(options: { echo?: boolean } = {}): Promise<Upstream> {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const up = new Upstream(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      if (options.echo === true) socket.pipe(socket);
      up.sockets.push(socket);
      const waiter = up.waiting.shift();
      if (waiter !== undefined) waiter(socket);
    });
    return up;
  }

  /** The next connection accepted (or the oldest one not yet taken). */
  accepted(index = this.sockets.length): Promise<Socket> {
    const existing = this.sockets[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A server, a client for it, and cleanup of every socket and server a test opened. */
export class Harness {
  private readonly sockets: Socket[] = [];
  private readonly upstreams: Upstream[] = [];
  private constructor(
    readonly server: ToxiproxyServer,
    readonly toxiproxy: Toxiproxy,
  ) {}

  static async start(options: ToxiproxyServerOptions = {}): Promise<Harness> {
    const server = await startToxiproxyServer({ port: 0, ...options });
    return new Harness(server, new Toxiproxy(server.url));
  }

  async upstream(options: { echo?: boolean } = {}): Promise<Upstream> {
    const up = await Upstream.start(options);
    this.upstreams.push(up);
    return up;
  }

  /** A client connected to `listen` (a proxy's `host:port`). */
  async connect(listen: string): Promise<Socket> {
    const socket = connect({ port: portOf(listen), host: '127.0.0.1', noDelay: true });
    this.sockets.push(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** A proxy named `name` in front of a fresh upstream. */
  async proxied(name = 'p', options: { echo?: boolean } = {}): Promise<Proxied> {
    const upstream = await this.upstream(options);
    const proxy = await this.toxiproxy.createProxy({
      name,
      listen: '127.0.0.1:0',
      upstream: upstream.address,
    });
    return { proxy, upstream };
  }

  /** A client through `p.proxy` and the socket the upstream accepted for it. */
  async pair(p: Proxied): Promise<{ client: Socket; server: Socket }> {
    const index = p.upstream.sockets.length;
    const client = await this.connect(p.proxy.listen);
    return { client, server: await p.upstream.accepted(index) };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.server.close();
    await Promise.all(this.upstreams.map((u) => u.close()));
  }
}

export interface Proxied {
  readonly proxy: Proxy;
  readonly upstream: Upstream;
}

/** A toxic body for node-client's addToxic, with upstream's defaults filled in. */
export function toxic<T>(
  type: string,
  attributes: T,
  options: { name?: string; stream?: ToxicDirection; toxicity?: number } = {},
) {
  const stream = options.stream ?? 'downstream';
  return {
    name: options.name ?? `${type}_${stream}`,
    type: type as 'latency',
    stream,
    toxicity: options.toxicity ?? 1,
    attributes,
  };
}

/** The median of some samples. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/** Resolves with the first `n` bytes read from `socket` (rejects if it ends sooner). */
export function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (d: Buffer): void => {
      parts.push(d);
      size += d.length;
      if (size >= n) {
        done();
        resolve(Buffer.concat(parts).subarray(0, n));
      }
    };
    const onEnd = (): void => {
      done();
      reject(new Error(`stream ended after ${size} of ${n} bytes`));
    };
    const done = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

/** Every byte until the peer ends or the socket closes, and how it ended. */
export function readToEnd(socket: Socket): Promise<{ data: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.once('close', () => resolve({ data: Buffer.concat(parts), error }));
    socket.once('end', () => socket.destroy());
  });
}

/** How a socket closed: 'end' (FIN), an error code such as ECONNRESET, or 'close'. */
export function closedHow(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let how: string | undefined;
    socket.on('data', () => undefined);
    socket.once('end', () => {
      how ??= 'end';
      socket.destroy();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => (how ??= e.code ?? e.message));
    socket.once('close', () => resolve(how ?? 'close'));
  });
}

/** Whether `socket` stays silent (no data, no close) for `ms`. */
export function staysSilent(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const fail = (): void => {
      clearTimeout(timer);
      socket.off('data', fail);
      socket.off('close', fail);
      resolve(false);
    };
    const timer = setTimeout(() => {
      socket.off('data', fail);
      socket.off('close', fail);
      resolve(true);
    }, ms);
    socket.once('data', fail);
    socket.once('close', fail);
  });
}

/** Milliseconds from writing `payload` on `from` until all of it has arrived on `to`. */
export async function oneWayMs(from: Socket, to: Socket, payload: Buffer): Promise<number> {
  const arrived = readBytes(to, payload.length);
  const start = performance.now();
  from.write(payload);
  const got = await arrived;
  const elapsed = performance.now() - start;
  expect(got.equals(payload)).toBe(true);
  return elapsed;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with full control of method, headers and body. */
export function raw(
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const all = { ...headers };
  if (body !== undefined && all['Transfer-Encoding'] === undefined) {
    // Node sends bodies of GET and DELETE without a length unless told; the server would then
    // read them as the next request.
    all['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: all, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A deterministic uniform random source (mulberry32), for the pure timing functions. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
