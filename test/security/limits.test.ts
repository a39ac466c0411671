/**
 * Issue 11's size limits and exposure rules, without processes: the line reader between an
 * orchestrator and its replicas, the replica HTTP API's body cap (its 413 must reach the
 * client), the dashboard's /metrics behind its token, the topology's dashboard.host, and the
 * warnings for listeners a topology puts off loopback.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { isLoopbackHost } from '../../src/core/loopback';
import { dashboardSettings } from '../../src/cli/dashboard-options';
import { InputError } from '../../src/cli/errors';
import { SimSession } from '../../src/dashboard/sim-session';
import { startDashboardServer } from '../../src/dashboard/server';
import { onBoundedLines } from '../../src/runtime/live/bounded-lines';
import { exposureWarnings, toxiproxyApiWarning } from '../../src/runtime/live/exposure';
import { MAX_HTTP_BODY_BYTES, readBody } from '../../src/runtime/live/http-api';
import { parseTopology, type Topology } from '../../src/topology';

const BASE = `name: t
regions:
  - { name: us-east-1, replicas: 1 }
  - { name: eu-west-1, replicas: 1 }
latency: { preset: aws }
replication: { mode: single-leader, protocol: raft, leaderRegion: us-east-1 }
`;

function topology(extra = ''): Topology {
  const loaded = parseTopology(`${BASE}${extra}`, 't.yaml');
  if (!loaded.ok) throw new Error(`does not load: ${JSON.stringify(loaded)}`);
  return loaded.topology;
}

describe('onBoundedLines', () => {
  async function collect(
    maxBytes: number,
    chunks: (string | Buffer)[],
  ): Promise<{ lines: string[]; overlong: number[] }> {
    const input = new PassThrough();
    const lines: string[] = [];
    const overlong: number[] = [];
    onBoundedLines(
      input,
      maxBytes,
      (l) => lines.push(l),
      (n) => overlong.push(n),
    );
    const ended = once(input, 'end');
    for (const c of chunks) input.write(c);
    input.end();
    await ended;
    return { lines, overlong };
  }

  it('splits lines across chunks, keeps CRLF lines whole, and passes on a last unterminated line', async () => {
    expect(await collect(100, ['{"a"', ':1}\n{"b":2}\r\n', '\nlast'])).toEqual({
      lines: ['{"a":1}', '{"b":2}', '', 'last'],
      overlong: [],
    });
  });

  it('drops a line over the limit as it streams, and reads the next one', async () => {
    const long = 'x'.repeat(40);
    expect(await collect(16, ['ok\n', long.slice(0, 10), long.slice(10), '\nafter\n'])).toEqual({
      lines: ['ok', 'after'],
      overlong: [40],
    });
    // Exactly at the limit is allowed; one byte over is not.
    expect(await collect(4, ['abcd\nabcde\n'])).toEqual({ lines: ['abcd'], overlong: [5] });
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = Buffer.from('é€\n');
    expect(
      await collect(100, [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]),
    ).toEqual({
      lines: ['é€'],
      overlong: [],
    });
  });
});

describe('the replica HTTP API body limit', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        res.writeHead(body === undefined ? 413 : 200);
        res.end(body === undefined ? 'too large' : String(body.length));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function post(body: Buffer, chunked: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/kv/a',
          headers: chunked ? { 'transfer-encoding': 'chunked' } : {},
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      if (chunked) {
        for (let at = 0; at < body.length; at += 64 * 1024)
          req.write(body.subarray(at, at + 64 * 1024));
        req.end();
      } else req.end(body);
    });
  }

  it('answers 413 (not a reset) to a body over 1 MiB, declared or streamed, and keeps serving', async () => {
    const big = Buffer.alloc(MAX_HTTP_BODY_BYTES + 1, 120);
    expect(await post(big, false)).toBe(413);
    expect(await post(big, true)).toBe(413);
    expect(await post(Buffer.alloc(MAX_HTTP_BODY_BYTES, 120), true)).toBe(200);
  });
});

describe('the dashboard with a token', () => {
  it('serves /metrics only to the token holder, and never shows the token in it', async () => {
    const token = 'metrics-secret-5f1c';
    const session = new SimSession({ topology: topology(), seed: 1, speed: 1 });
    const server = await startDashboardServer({
      session,
      token,
      metrics: () => Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}/metrics`;
      expect((await fetch(base)).status).toBe(401);
      expect((await fetch(base, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).not.toContain(token);
      expect((await fetch(`${base}?token=${token}`)).status).toBe(200);
    } finally {
      await server.close();
      await session.close();
    }
  });
});

describe('where listeners bind', () => {
  it('names loopback hosts, and nothing else, as loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect([h, isLoopbackHost(h)]).toEqual([h, true]);
    }
    for (const h of [
      '0.0.0.0',
      '::',
      '',
      '10.0.0.1',
      '127.0.0.256',
      '::ffff:127.0.0.1',
      'example.com',
    ]) {
      expect([h, isLoopbackHost(h)]).toEqual([h, false]);
    }
  });

  it('takes the dashboard host from the topology, and refuses it off loopback without a token', () => {
    expect(dashboardSettings(topology(), {}, {}).host).toBe('127.0.0.1');
    const wide = topology('dashboard: { host: 0.0.0.0 }\n');
    expect(() => dashboardSettings(wide, {}, {})).toThrow(InputError);
    expect(() => dashboardSettings(wide, {}, {})).toThrow(
      't.yaml: dashboard.host 0.0.0.0: binding anything but loopback needs --token T or $GEOLAB_DASHBOARD_TOKEN',
    );
    expect(dashboardSettings(wide, { token: 'T' }, {})).toMatchObject({
      host: '0.0.0.0',
      token: 'T',
    });
    expect(dashboardSettings(wide, { host: '127.0.0.1' }, {}).host).toBe('127.0.0.1');
  });

  it('takes the token from GEOLAB_DASHBOARD_TOKEN, out of ps, with --token first', () => {
    const wide = topology('dashboard: { host: 0.0.0.0 }\n');
    const env = { GEOLAB_DASHBOARD_TOKEN: 'from-env' };
    expect(dashboardSettings(wide, {}, env).token).toBe('from-env');
    expect(dashboardSettings(wide, { token: 'flag' }, env).token).toBe('flag');
    expect(() => dashboardSettings(wide, {}, { GEOLAB_DASHBOARD_TOKEN: '' })).toThrow(InputError);
  });

  it('warns of nothing by default', () => {
    expect(exposureWarnings(topology(), false)).toEqual([]);
    expect(toxiproxyApiWarning('127.0.0.1')).toBeUndefined();
  });

  it('warns of every unauthenticated listener a topology puts off loopback', () => {
    const wide = topology('network: { host: 0.0.0.0 }\ntoxiproxy: { host: 0.0.0.0 }\n');
    const warnings = exposureWarnings(wide, false);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^replicas listen on 0\.0\.0\.0 \(network\.host/);
    expect(warnings[1]).toMatch(/^the Toxiproxy API listens on 0\.0\.0\.0 \(toxiproxy\.host\)/);
    expect(warnings[2]).toMatch(/^the link proxies listen on 0\.0\.0\.0/);
    // An external Toxiproxy is not geolab's to warn about.
    expect(exposureWarnings(wide, true)).toHaveLength(2);
    expect(toxiproxyApiWarning('0.0.0.0')).toMatch(/no authentication/);
  });
});
