import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from '../../core/json';
import {
  LEVEL_PATTERN,
  MAX_KEY_LENGTH,
  type ClientResult,
  type Op,
} from '../../core/messages/client';

/**
 * The client endpoint's HTTP face, for people with curl (the WebSocket is for programs):
 *   GET  /kv/:key[?consistency=LEVEL]          read
 *   PUT  /kv/:key   body: a JSON value          write
 *   POST /kv/:key/cas  body: {"expected": a, "new": b}  compare-and-set
 *   GET  /status                                the replica's view of itself and its peers
 * An answer is the operation's result as JSON, with a status that says what kind it is:
 * 200 ok, 409 a cas that found another value, 4xx a definite failure of the request,
 * 503 a definite refusal (unavailable, not the leader), 504 unknown outcome (info).
 */

export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

export type HttpCall =
  | { readonly kind: 'op'; readonly op: Op; readonly level?: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'error'; readonly status: number; readonly message: string };

/** Turn an HTTP request (its body already read) into an operation, or say what is wrong. */
export function parseHttpCall(method: string, url: string, body: string): HttpCall {
  const parsed = parseUrl(url);
  if (!parsed)
    return {
      kind: 'error',
      status: 400,
      message: `not a request path: ${JSON.stringify(url.slice(0, 80))}`,
    };
  const level = parsed.searchParams.get('consistency') ?? undefined;
  if (level !== undefined && !LEVEL_PATTERN.test(level)) {
    return {
      kind: 'error',
      status: 400,
      message: `bad consistency level ${JSON.stringify(level)}`,
    };
  }
  if (parsed.pathname === '/status') {
    return method === 'GET' ? { kind: 'status' } : notAllowed(method, '/status', 'GET');
  }
  const match = /^\/kv\/([^/]+)(\/cas)?$/.exec(parsed.pathname);
  if (!match)
    return {
      kind: 'error',
      status: 404,
      message: `no route ${parsed.pathname} (try /kv/KEY or /status)`,
    };
  let key: string;
  try {
    key = decodeURIComponent(match[1]);
  } catch {
    return { kind: 'error', status: 400, message: 'the key is not valid percent-encoding' };
  }
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    return { kind: 'error', status: 400, message: `keys are 1 to ${MAX_KEY_LENGTH} characters` };
  }
  const withLevel = (op: Op): HttpCall =>
    level === undefined ? { kind: 'op', op } : { kind: 'op', op, level };
  if (match[2] === '/cas') {
    if (method !== 'POST') return notAllowed(method, '/kv/KEY/cas', 'POST');
    const value = parseJson(body);
    if (!value.ok) return value.error;
    const v = value.json;
    if (
      typeof v !== 'object' ||
      v === null ||
      Array.isArray(v) ||
      !('expected' in v) ||
      !('new' in v)
    ) {
      return {
        kind: 'error',
        status: 400,
        message: 'a cas body is {"expected": <value>, "new": <value>}',
      };
    }
    const o = v as { readonly expected: Json; readonly new: Json };
    return withLevel({ f: 'cas', key, value: [o.expected, o.new] });
  }
  if (method === 'GET') return withLevel({ f: 'read', key });
  if (method === 'PUT') {
    const value = parseJson(body);
    if (!value.ok) return value.error;
    return withLevel({ f: 'write', key, value: value.json });
  }
  return notAllowed(method, '/kv/KEY', 'GET, PUT');
}

/** The HTTP status for an operation's result. */
export function statusOf(result: ClientResult): number {
  if (result.type === 'ok') return 200;
  if (result.type === 'info') return 504;
  switch (result.error) {
    case 'cas-mismatch':
      return 409;
    case 'invalid-request':
      return 400;
    case 'unsupported':
      return 501;
    default:
      return 503;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Read a request body up to `limit` bytes; undefined when it is larger. A body declared
 * larger is not read at all; one that streams past the limit is read on and dropped, not
 * kept, so that the caller's 413 reaches the client (destroying the request would reset the
 * connection before the answer is written).
 */
export function readBody(
  req: IncomingMessage,
  limit = MAX_HTTP_BODY_BYTES,
): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function parseJson(body: string): { ok: true; json: Json } | { ok: false; error: HttpCall } {
  try {
    return { ok: true, json: JSON.parse(body) as Json };
  } catch {
    return {
      ok: false,
      error: {
        kind: 'error',
        status: 400,
        message: 'the body is not JSON (e.g. 42, "text", {"a": 1})',
      },
    };
  }
}

function notAllowed(method: string, path: string, allowed: string): HttpCall {
  return {
    kind: 'error',
    status: 405,
    message: `${method} is not allowed on ${path} (${allowed})`,
  };
}

/** A request target as a URL, or undefined when it is not one (`//`, `http://[`): never throws. */
export function parseUrl(target: string): URL | undefined {
  try {
    return new URL(target, 'http://replica');
  } catch {
    return undefined;
  }
}
