import { ApiError, ERR_TOXIC_NOT_FOUND } from './api-error';
import { parseBody } from './decode';
import type { Proxy, ProxyJson } from './proxy';
import { decodeNewProxy, decodePopulate, decodeProxyUpdate } from './proxy-body';
import type { ProxyCollection } from './proxy-collection';
import { decodeNewToxic, decodeToxicUpdate } from './toxic-body';
import type { ToxicConfig } from './toxic-config';
import { toxicJson } from './toxic-config';
import type { Mutex } from './mutex';

/** The Toxiproxy API version this server implements (`GET /version`). */
export const TOXIPROXY_API_VERSION = '2.12.0';

/** What a handler answers; `json` is serialised, `text` sent as is, neither means no body. */
export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

/** What a handler gets: the path parameters and the raw body. */
export interface Request {
  readonly params: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ApiState {
  readonly proxies: ProxyCollection;
  /** Serialises every change, as upstream's collection and proxy mutexes do. */
  readonly changes: Mutex;
}

type Handler = (state: ApiState, req: Request) => Promise<Reply>;

/** A route: path segments, where `{name}` captures one non-empty segment (gorilla/mux). */
export interface Route {
  readonly path: readonly string[];
  readonly methods: Readonly<Record<string, Handler>>;
}

const ok = (json: unknown): Reply => ({ status: 200, json });
const noContent: Reply = { status: 204 };

function proxyOf(state: ApiState, req: Request): Proxy {
  return state.proxies.get(req.params.proxy ?? '');
}

const proxyIndex: Handler = async (state) => {
  const all: Record<string, ProxyJson> = {};
  for (const proxy of state.proxies.list()) all[proxy.name] = proxy.toJson();
  return ok(all);
};

const proxyCreate: Handler = (state, req) =>
  state.changes.run(async () => {
    const config = decodeNewProxy(parseBody(req.body));
    const proxy = await state.proxies.add(config);
    return { status: 201, json: proxy.toJson() };
  });

const populate: Handler = (state, req) =>
  state.changes.run(async () => {
    try {
      const proxies = await state.proxies.populate(decodePopulate(parseBody(req.body)));
      // Upstream sends `null` for an empty list, which crashes node-client's populate([]).
      return { status: 201, json: { proxies: proxies.map((p) => p.toJson()) } };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Upstream answers populate errors as JSON with the proxies field beside the error.
      return {
        status: err.status,
        json: { error: err.message, status: err.status, proxies: null },
        contentType: 'application/json',
      };
    }
  });

const resetState: Handler = (state) =>
  state.changes.run(async () => {
    for (const proxy of state.proxies.list()) {
      await proxy.start();
      await proxy.toxics.clear();
    }
    return noContent;
  });

const proxyShow: Handler = async (state, req) => ok(proxyOf(state, req).toJson());

const proxyUpdate: Handler = (state, req) =>
  state.changes.run(async () => {
    const proxy = proxyOf(state, req);
    await proxy.update(decodeProxyUpdate(parseBody(req.body), proxy));
    return ok(proxy.toJson());
  });

const proxyDelete: Handler = (state, req) =>
  state.changes.run(async () => {
    await state.proxies.remove(req.params.proxy ?? '');
    return noContent;
  });

const toxicIndex: Handler = async (state, req) =>
  ok(proxyOf(state, req).toxics.list().map(toxicJson));

const toxicCreate: Handler = (state, req) =>
  state.changes.run(async () => {
    const proxy = proxyOf(state, req);
    const toxic = decodeNewToxic(
      parseBody(req.body),
      (name) => proxy.toxics.get(name) !== undefined,
    );
    proxy.toxics.add(toxic);
    return ok(toxicJson(toxic));
  });

function toxicOf(proxy: Proxy, req: Request): ToxicConfig {
  const toxic = proxy.toxics.get(req.params.toxic ?? '');
  if (toxic === undefined) throw ERR_TOXIC_NOT_FOUND;
  return toxic;
}

const toxicShow: Handler = async (state, req) => ok(toxicJson(toxicOf(proxyOf(state, req), req)));

const toxicUpdate: Handler = (state, req) =>
  state.changes.run(async () => {
    const proxy = proxyOf(state, req);
    const toxic = decodeToxicUpdate(parseBody(req.body), toxicOf(proxy, req));
    await proxy.toxics.update(toxic);
    return ok(toxicJson(toxic));
  });

const toxicDelete: Handler = (state, req) =>
  state.changes.run(async () => {
    const proxy = proxyOf(state, req);
    toxicOf(proxy, req);
    await proxy.toxics.remove(req.params.toxic ?? '');
    return noContent;
  });

const version: Handler = async () => ({
  status: 200,
  // Byte for byte what api.go writes, space and newline included.
  text: `{"version": "${TOXIPROXY_API_VERSION}"}\n`,
  contentType: 'application/json;charset=utf-8',
});

/**
 * Exactly upstream's routes (api.go `Routes`). Proxies and toxics update by POST (what
 * toxiproxy-node-client sends) or PATCH (what the Go CLI sends for toxics).
 */
export const ROUTES: readonly Route[] = [
  { path: ['reset'], methods: { POST: resetState } },
  { path: ['proxies'], methods: { GET: proxyIndex, POST: proxyCreate } },
  { path: ['populate'], methods: { POST: populate } },
  {
    path: ['proxies', '{proxy}'],
    methods: { GET: proxyShow, POST: proxyUpdate, PATCH: proxyUpdate, DELETE: proxyDelete },
  },
  { path: ['proxies', '{proxy}', 'toxics'], methods: { GET: toxicIndex, POST: toxicCreate } },
  {
    path: ['proxies', '{proxy}', 'toxics', '{toxic}'],
    methods: { GET: toxicShow, POST: toxicUpdate, PATCH: toxicUpdate, DELETE: toxicDelete },
  },
  { path: ['version'], methods: { GET: version } },
];

/** The route a path matches and its parameters, if any. */
export function matchRoute(
  segments: readonly string[],
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.path.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segment;
        return segment !== '';
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}
