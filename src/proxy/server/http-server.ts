import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error';
import type { ApiState, Reply } from './routes';
import { matchRoute } from './routes';

/**
 * The largest request body accepted. Upstream sets no limit; 1 MiB holds a populate of several
 * thousand proxies, and anything bigger gets 413 and the connection closed.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A 20-character request id, the length and alphabet of the xid upstream's hlog sends. */
function requestId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return Array.from(randomBytes(20), (b) => alphabet[b & 31]).join('');
}

/**
 * Errors go out as upstream's `http.Error` sends them: the JSON `{"error","status"}`, a newline,
 * `text/plain; charset=utf-8` and `X-Content-Type-Options: nosniff`. Upstream answers unknown
 * routes, wrong methods and browsers in plain text or with no body; here they get the same JSON
 * shape, so every non-2xx decodes the same way (the Go CLI prints `HTTP <status>: <error>`).
 */
function sendError(res: ServerResponse, err: ApiError): void {
  const body = `${JSON.stringify({ error: err.message, status: err.status })}\n`;
  res.writeHead(err.status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.json === undefined && reply.text === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const body = reply.text ?? JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The decoded path segments ('/proxies/a%20b' → ['proxies', 'a b']), or undefined if malformed. */
function pathSegments(url: string): string[] | undefined {
  try {
    const path = new URL(url, 'http://localhost').pathname;
    // Decoding after splitting would let '%2F' through; gorilla/mux matches the decoded path.
    return decodeURIComponent(path).split('/').slice(1);
  } catch {
    return undefined;
  }
}

/** Reads the body up to `limit` bytes; undefined once it is over. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (part: Buffer): void => {
      size += part.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(undefined);
        return;
      }
      parts.push(part);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** The request listener for node:http: routing, limits and errors around the handlers. */
export function apiListener(state: ApiState, maxBodyBytes: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('X-Toxiproxy-Request-Id', requestId());
    void handle(state, maxBodyBytes, req, res).catch((err: unknown) => {
      // A bug of the handler's, not the client's: answer 500 and keep serving.
      if (!res.headersSent) sendError(res, new ApiError(String((err as Error).message), 500));
      else res.destroy();
    });
  };
}

async function handle(
  state: ApiState,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // api.go's stopBrowsersMiddleware: the API has no CSRF protection, so browsers are refused.
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    return sendError(res, new ApiError('User agent not allowed', 403));
  }
  const segments = pathSegments(req.url ?? '/');
  if (segments === undefined) return sendError(res, new ApiError('malformed request path', 400));
  const match = matchRoute(segments);
  if (match === undefined) return sendError(res, new ApiError('404 page not found', 404));
  const handler = match.route.methods[req.method ?? ''];
  if (handler === undefined) return sendError(res, new ApiError('405 method not allowed', 405));
  const body = await readBody(req, maxBodyBytes);
  if (body === undefined) {
    res.setHeader('Connection', 'close');
    req.resume();
    return sendError(
      res,
      new ApiError(`request body too large: the limit is ${maxBodyBytes} bytes`, 413),
    );
  }
  try {
    sendReply(res, await handler(state, { params: match.params, body }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    sendError(res, err);
  }
}
