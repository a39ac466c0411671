import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isLoopbackHost } from '../core/loopback';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  MAX_CONTROL_FRAME_BYTES,
  parseControl,
  type AckFrame,
  type ControlFrame,
  type ServerFrame,
} from './protocol';
import { ControlError, type DashboardSession } from './session';

/**
 * The dashboard's server: the bundled page at `/`, its WebSocket at `/ws` (a `hello`, the
 * recent events, then a `state` every 500 ms and each event as it happens; `control` frames
 * answered by `ack`s), `POST /api/control` for scripts, and `GET /metrics` when given.
 *
 * Security (issues 10 and 11): it binds 127.0.0.1 unless told otherwise, and anything but
 * loopback needs a token, which every control, `/api/state` and `/metrics` then carry
 * (`?token=` on the WebSocket URL, `Authorization: Bearer` or `?token=` on HTTP; compared in
 * constant time). A WebSocket or control call from a page of another origin is refused
 * (403), so a web page the user happens to visit cannot drive the cluster; frames are
 * size-limited (ws `maxPayload`) and validated by parseControl, and a bad one is answered,
 * never fatal.
 */
export interface DashboardServerOptions {
  readonly session: DashboardSession;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Required when `host` is not loopback. */
  readonly token?: string;
  /** Serves GET /metrics (Prometheus text format) when given. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Where the bundled page is (default: dist/dashboard, beside this file once built). */
  readonly assetsDir?: string;
}

export interface DashboardServer {
  /** http://host:port/ (with ?token= when one is required). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Bad options (a non-loopback host without a token): the CLI's one-line exit 2. */
export class DashboardConfigError extends Error {
  override readonly name = 'DashboardConfigError';
}

export const WS_CLOSE_UNAUTHORIZED = 4401;
const STATE_EVERY_MS = 500;
const ASSETS = join(__dirname, '..', '..', 'dist', 'dashboard');
const PAGES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export function isLoopback(host: string): boolean {
  return isLoopbackHost(host);
}

export async function startDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token === '' ? undefined : options.token;
  if (!isLoopback(host) && token === undefined) {
    throw new DashboardConfigError(
      `--host ${host}: binding anything but loopback needs --token (every control must carry it)`,
    );
  }
  const assets = options.assetsDir ?? ASSETS;
  const { session } = options;
  let origins = new Set<string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CONTROL_FRAME_BYTES,
    perMessageDeflate: false,
  });
  const http = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `${(err as Error).message}\n`);
      else res.destroy();
    });
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname === '/api/control') return controlCall(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain', 'GET only\n');
    }
    if (url.pathname === '/metrics') {
      if (!options.metrics) return send(res, 404, 'text/plain', 'no metrics in this run\n');
      // Read-only, but it names every node and region: off loopback, only for the token's
      // holder (Prometheus sends it with `authorization: {credentials: T}` in scrape_config).
      if (!authorized(req, url)) return send(res, 401, 'text/plain', 'token missing or wrong\n');
      const m = await options.metrics();
      return send(res, 200, m.contentType, m.body);
    }
    if (url.pathname === '/api/state') {
      if (!authorized(req, url)) return send(res, 401, 'text/plain', 'token missing or wrong\n');
      return send(res, 200, 'application/json', JSON.stringify(session.snapshot()));
    }
    const page = PAGES[url.pathname];
    if (!page) return send(res, 404, 'text/plain', `no page ${url.pathname}\n`);
    const file = join(assets, page.file);
    if (!existsSync(file)) {
      return send(res, 500, 'text/plain', `${file} is missing: run npm run build\n`);
    }
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:");
    return send(res, 200, page.type, readFileSync(file));
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (token === undefined) return true;
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length)
      : (url.searchParams.get('token') ?? '');
    return sameSecret(given, token);
  };

  /** A browser's Origin header, when there is one, must be the dashboard's own. */
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin === undefined || origins.has(origin);
  };

  const controlCall = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only\n');
    if (!originAllowed(req)) return send(res, 403, 'text/plain', 'foreign origin\n');
    if (!authorized(req, url)) return send(res, 401, 'text/plain', 'token missing or wrong\n');
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, 'text/plain', 'send the control frame as application/json\n');
    }
    const body = await readLimited(req, MAX_CONTROL_FRAME_BYTES);
    if (body === undefined) {
      return sendAck(res, 413, { type: 'ack', id: 0, ok: false, error: 'frame too large' });
    }
    const parsed = parseControl(body);
    if (!parsed.ok)
      return sendAck(res, 400, { type: 'ack', id: 0, ok: false, error: parsed.error });
    const ack = await act(parsed.frame);
    return sendAck(res, ack.ok ? 200 : 409, ack);
  };

  const act = async (frame: ControlFrame): Promise<AckFrame> => {
    try {
      await session.control(frame.control);
      return { type: 'ack', id: frame.id, ok: true };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        type: 'ack',
        id: frame.id,
        ok: false,
        error: err instanceof ControlError ? message : `failed: ${message}`,
      };
    }
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized(req, url)) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'token missing or wrong');
        return;
      }
      wss.emit('connection', ws, req);
    });
  });

  wss.on('connection', (ws: WebSocket) => {
    const push = (frame: ServerFrame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    };
    push(session.hello());
    for (const event of session.recentEvents()) push(event);
    push(session.snapshot());
    const unsubscribe = session.onEvent(push);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const text = isBinary ? '' : rawText(data);
      const parsed = isBinary
        ? { ok: false as const, error: 'frames are JSON text' }
        : parseControl(text);
      if (!parsed.ok) {
        push({ type: 'ack', id: frameId(text), ok: false, error: parsed.error });
        return;
      }
      void act(parsed.frame).then(push);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', unsubscribe);
  });

  const ticker = setInterval(() => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify(session.snapshot());
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }, STATE_EVERY_MS);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as { port: number }).port;
  origins = ownOrigins(host, port);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
    port,
    close: () => close(http, wss, ticker),
  };
}

/** The origins a page of this dashboard has: its host, and for loopback every loopback name. */
function ownOrigins(host: string, port: number): Set<string> {
  const names = isLoopback(host) ? ['127.0.0.1', 'localhost', '[::1]', host] : [host];
  return new Set(
    names.map((h) => `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`),
  );
}

/** Constant-time comparison of two secrets of any length (hash both to one length first). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** The id of a rejected frame, when it has a usable one, so the page can match the ack. */
function frameId(text: string): number {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : 0;
  } catch {
    return 0;
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendAck(res: ServerResponse, status: number, ack: AckFrame): void {
  send(res, status, 'application/json', JSON.stringify(ack));
}

/** The body as text, or undefined once it passes `limit` bytes. */
function readLimited(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Read and drop the rest, so the 413 still reaches the caller.
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function close(http: Server, wss: WebSocketServer, ticker: NodeJS.Timeout): Promise<void> {
  clearInterval(ticker);
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await new Promise<void>((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}
