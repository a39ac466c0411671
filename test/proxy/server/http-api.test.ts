/**
 * The HTTP API byte by byte, as Toxiproxy clients other than node-client see it: status codes,
 * headers, JSON key order, defaults, and every row of the reference's error catalogue
 * (../shared/reference/toxiproxy.md §1-7).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RawResponse } from '../harness';
import { Harness, raw } from '../harness';

let h: Harness;
let upstream: string;

beforeEach(async () => {
  h = await Harness.start();
  upstream = (await h.upstream({ echo: true })).address;
});
afterEach(() => h.close());

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  raw(
    h.server.url,
    method,
    path,
    body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );

const createProxy = (name = 'db', extra: Record<string, unknown> = {}) =>
  call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, ...extra });

/** An error as upstream's http.Error sends it. */
function expectError(res: RawResponse, status: number, message: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.body.endsWith('\n')).toBe(true);
  expect(JSON.parse(res.body)).toEqual({ error: message, status });
  expect(Object.keys(JSON.parse(res.body) as object)).toEqual(['error', 'status']);
}

describe('routes and status codes', () => {
  it('GET /version: 200, the exact upstream bytes', async () => {
    const res = await call('GET', '/version');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(res.body).toBe('{"version": "2.12.0"}\n');
  });

  it('every response carries an X-Toxiproxy-Request-Id', async () => {
    const a = await call('GET', '/proxies');
    const b = await call('GET', '/nowhere');
    expect(a.headers['x-toxiproxy-request-id']).toMatch(/^[0-9a-v]{20}$/);
    expect(b.headers['x-toxiproxy-request-id']).not.toBe(a.headers['x-toxiproxy-request-id']);
  });

  it('POST /proxies: 201 with {name, listen, upstream, enabled, toxics} in that order', async () => {
    const res = await createProxy();
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);
    expect(body).toMatchObject({ name: 'db', upstream, enabled: true, toxics: [] });
    expect(body.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  });

  it('GET /proxies: an object keyed by name, sorted; toxics always an array', async () => {
    await createProxy('zeta');
    await createProxy('alpha', { enabled: false });
    const res = await call('GET', '/proxies');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, { toxics: unknown }>;
    expect(Object.keys(body)).toEqual(['alpha', 'zeta']);
    expect(body.alpha?.toxics).toEqual([]);
  });

  it('an empty listen binds every interface and reports [::]:port', async () => {
    const res = await call('POST', '/proxies', { name: 'any', upstream });
    expect(res.status).toBe(201);
    expect((JSON.parse(res.body) as { listen: string }).listen).toMatch(/^\[::\]:[1-9]\d*$/);
  });

  it('a disabled proxy echoes its listen string unresolved', async () => {
    const res = await call('POST', '/proxies', {
      name: 'off',
      listen: 'localhost:0',
      upstream,
      enabled: false,
    });
    expect(JSON.parse(res.body)).toEqual({
      name: 'off',
      listen: 'localhost:0',
      upstream,
      enabled: false,
      toxics: [],
    });
  });

  it('POST and PATCH /proxies/{name} update, merging missing fields and ignoring name', async () => {
    await createProxy();
    const posted = await call('POST', '/proxies/db', { enabled: false, name: 'other' });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body)).toMatchObject({ name: 'db', upstream, enabled: false });
    const patched = await call('PATCH', '/proxies/db', { enabled: true });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.body)).toMatchObject({ name: 'db', enabled: true });
  });

  it('DELETE and POST /reset: 204 with an empty body', async () => {
    await createProxy();
    const reset = await call('POST', '/reset');
    expect(reset.status).toBe(204);
    expect(reset.body).toBe('');
    const del = await call('DELETE', '/proxies/db');
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
  });

  it('toxics: create 200 with defaults, list upstream first, show, update, delete 204', async () => {
    await createProxy();
    const created = await call('POST', '/proxies/db/toxics', { type: 'latency' });
    expect(created.status).toBe(200);
    expect(created.body).toBe(
      '{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
    await call('POST', '/proxies/db/toxics', { type: 'slicer', stream: 'upstream' });
    await call('POST', '/proxies/db/toxics', { type: 'noop', name: 'n', stream: 'upstream' });
    const list = await call('GET', '/proxies/db/toxics');
    expect(list.status).toBe(200);
    expect((JSON.parse(list.body) as { name: string }[]).map((t) => t.name)).toEqual([
      'slicer_upstream',
      'n',
      'latency_downstream',
    ]);
    const shown = await call('GET', '/proxies/db/toxics/slicer_upstream');
    expect(JSON.parse(shown.body)).toEqual({
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
      name: 'slicer_upstream',
      type: 'slicer',
      stream: 'upstream',
      toxicity: 1,
    });
    const patched = await call('PATCH', '/proxies/db/toxics/latency_downstream', {
      attributes: { jitter: 3 },
      name: 'renamed',
      type: 'bandwidth',
      stream: 'upstream',
    });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.body)).toEqual({
      attributes: { latency: 0, jitter: 3 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    const posted = await call('POST', '/proxies/db/toxics/latency_downstream', { toxicity: 0.25 });
    expect(JSON.parse(posted.body)).toMatchObject({
      attributes: { latency: 0, jitter: 3 },
      toxicity: 0.25,
    });
    const del = await call('DELETE', '/proxies/db/toxics/n');
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    const proxy = JSON.parse((await call('GET', '/proxies/db')).body) as { toxics: unknown[] };
    expect(proxy.toxics).toHaveLength(2);
  });

  it('matches stream case-insensitively and echoes it as sent (stream.ParseDirection)', async () => {
    await createProxy();
    const res = await call('POST', '/proxies/db/toxics', { type: 'noop', stream: 'UpStream' });
    expect(JSON.parse(res.body)).toMatchObject({ name: 'noop_UpStream', stream: 'UpStream' });
    await call('POST', '/proxies/db/toxics', { type: 'noop', name: 'down' });
    const list = JSON.parse((await call('GET', '/proxies/db/toxics')).body) as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['noop_UpStream', 'down']);
  });

  it('accepts integer attributes sent as floats such as 1000 (what the Go CLI sends)', async () => {
    await createProxy();
    const res = await call(
      'POST',
      '/proxies/db/toxics',
      '{"type":"latency","attributes":{"latency":1000}}',
    );
    expect(JSON.parse(res.body)).toMatchObject({ attributes: { latency: 1000, jitter: 0 } });
  });

  it('POST /populate: 201 {proxies:[…]} in input order; replaces changed ones', async () => {
    const res = await call('POST', '/populate', [
      { name: 'b', listen: '127.0.0.1:0', upstream },
      { name: 'a', listen: '127.0.0.1:0', upstream },
    ]);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body) as { proxies: { name: string; listen: string }[] };
    expect(body.proxies.map((p) => p.name)).toEqual(['b', 'a']);
    await call('POST', '/proxies/a/toxics', { type: 'noop' });
    const kept = await call('POST', '/populate', [
      { name: 'a', listen: body.proxies[1]?.listen, upstream },
    ]);
    expect(JSON.parse(kept.body)).toMatchObject({
      proxies: [{ name: 'a', toxics: [{ type: 'noop' }] }],
    });
    const replaced = await call('POST', '/populate', [
      { name: 'a', listen: '127.0.0.1:0', upstream },
    ]);
    expect(JSON.parse(replaced.body)).toMatchObject({ proxies: [{ name: 'a', toxics: [] }] });
  });
});

describe('the error catalogue', () => {
  it('unknown route → 404; wrong method → 405; browser user agent → 403', async () => {
    expectError(await call('GET', '/nope'), 404, '404 page not found');
    expectError(await call('GET', '/proxies/'), 404, '404 page not found');
    expectError(await call('GET', '/proxies/a/b/c/d/e'), 404, '404 page not found');
    expectError(await call('PUT', '/proxies'), 405, '405 method not allowed');
    expectError(await call('GET', '/reset'), 405, '405 method not allowed');
    expectError(await call('DELETE', '/version'), 405, '405 method not allowed');
    expectError(
      await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' }),
      403,
      'User agent not allowed',
    );
  });

  it('409: duplicate proxy; duplicate toxic name, across both streams', async () => {
    await createProxy();
    expectError(await createProxy(), 409, 'proxy already exists');
    await call('POST', '/proxies/db/toxics', { type: 'noop', name: 't', stream: 'upstream' });
    expectError(
      await call('POST', '/proxies/db/toxics', {
        type: 'latency',
        name: 't',
        stream: 'downstream',
      }),
      409,
      'toxic already exists',
    );
  });

  it('409 is checked before binding: a taken name with a taken port is still 409', async () => {
    const first = JSON.parse((await createProxy()).body) as { listen: string };
    const res = await call('POST', '/proxies', { name: 'db', listen: first.listen, upstream });
    expectError(res, 409, 'proxy already exists');
  });

  it('404: proxy not found on every proxy route, toxic not found on every toxic route', async () => {
    for (const [method, path] of [
      ['GET', '/proxies/ghost'],
      ['POST', '/proxies/ghost'],
      ['PATCH', '/proxies/ghost'],
      ['DELETE', '/proxies/ghost'],
      ['GET', '/proxies/ghost/toxics'],
      ['POST', '/proxies/ghost/toxics'],
      ['GET', '/proxies/ghost/toxics/t'],
      ['PATCH', '/proxies/ghost/toxics/t'],
      ['DELETE', '/proxies/ghost/toxics/t'],
    ] as const) {
      expectError(await call(method, path, '{}'), 404, 'proxy not found');
    }
    await createProxy();
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      expectError(await call(method, '/proxies/db/toxics/ghost', '{}'), 404, 'toxic not found');
    }
  });

  it('400: missing name, missing upstream', async () => {
    expectError(await call('POST', '/proxies', { upstream }), 400, 'missing required field: name');
    expectError(
      await call('POST', '/proxies', { name: 'x' }),
      400,
      'missing required field: upstream',
    );
  });

  it('400: bad JSON, empty body, wrong JSON types', async () => {
    const bad = await call('POST', '/proxies', '{"name": ');
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.body) as { error: string }).error).toMatch(/^bad request body: /);
    expectError(await call('POST', '/proxies', ''), 400, 'bad request body: EOF');
    expectError(
      await call('POST', '/proxies', { name: 5, upstream }),
      400,
      'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string',
    );
    expectError(
      await call('POST', '/proxies', [{ name: 'x' }]),
      400,
      'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
    );
    await createProxy();
    expectError(
      await call('POST', '/proxies/db', { enabled: 'yes' }),
      400,
      'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool',
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'latency', toxicity: '1' }),
      400,
      'bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32',
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'latency', attributes: [1] }),
      400,
      'bad request body: json: cannot unmarshal array into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic',
    );
  });

  it('400: invalid stream; invalid toxic type, including "down"', async () => {
    await createProxy();
    const msg = 'stream was invalid, can be either upstream or downstream';
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'latency', stream: 'sideways' }),
      400,
      msg,
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'latency', stream: '' }),
      400,
      msg,
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'down' }),
      400,
      'invalid toxic type',
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'packet_loss' }),
      400,
      'invalid toxic type',
    );
    expectError(await call('POST', '/proxies/db/toxics', {}), 400, 'invalid toxic type');
  });

  it('400: non-integer attributes, on create and on update', async () => {
    await createProxy();
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: 1.5 } }),
      400,
      'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
    );
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'slicer', attributes: { delay: 'x' } }),
      400,
      'bad request body: json: cannot unmarshal string into Go struct field SlicerToxic.attributes.delay of type int',
    );
    await call('POST', '/proxies/db/toxics', { type: 'bandwidth', attributes: { rate: 10 } });
    expectError(
      await call('PATCH', '/proxies/db/toxics/bandwidth_downstream', { attributes: { rate: 0.5 } }),
      400,
      'bad request body: json: cannot unmarshal number 0.5 into Go struct field BandwidthToxic.attributes.rate of type int64',
    );
    const unchanged = await call('GET', '/proxies/db/toxics/bandwidth_downstream');
    expect(JSON.parse(unchanged.body)).toMatchObject({ attributes: { rate: 10 } });
  });

  it('400 for a malformed listen address, 409 for a bind failure, worded as Go net errors', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      expectError(
        await call('POST', '/proxies', { name: 'x', listen: `127.0.0.1:${port}`, upstream }),
        409,
        `listen tcp 127.0.0.1:${port}: bind: address already in use`,
      );
      expectError(
        await call('POST', '/proxies', { name: 'x', listen: '127.0.0.1', upstream }),
        400,
        'listen tcp: address 127.0.0.1: missing port in address',
      );
      expectError(
        await call('POST', '/proxies', { name: 'x', listen: '127.0.0.1:99999', upstream }),
        400,
        'listen tcp: address 99999: invalid port',
      );
      // The failed creates left nothing behind; enabling onto a taken port fails the same way.
      expect(JSON.parse((await call('GET', '/proxies')).body)).toEqual({});
      await call('POST', '/proxies', {
        name: 'x',
        listen: `127.0.0.1:${port}`,
        upstream,
        enabled: false,
      });
      expectError(
        await call('POST', '/proxies/x', { enabled: true }),
        409,
        `listen tcp 127.0.0.1:${port}: bind: address already in use`,
      );
      expect(JSON.parse((await call('GET', '/proxies/x')).body)).toMatchObject({ enabled: false });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('populate: items validated first, errors as JSON with a proxies field, nothing applied', async () => {
    const res = await call('POST', '/populate', [
      { name: 'ok', listen: '127.0.0.1:0', upstream },
      { listen: '127.0.0.1:0', upstream },
    ]);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({
      error: 'missing required field: name at proxy 2',
      status: 400,
      proxies: null,
    });
    const up = await call('POST', '/populate', [{ name: 'u', listen: '127.0.0.1:0' }]);
    expect(JSON.parse(up.body)).toMatchObject({
      error: 'missing required field: upstream at proxy 1',
    });
    const notArray = await call('POST', '/populate', { name: 'x' });
    expect(notArray.status).toBe(400);
    const dup = await call('POST', '/populate', [
      { name: 'd', upstream },
      { name: 'd', upstream },
    ]);
    expect(JSON.parse(dup.body)).toMatchObject({ error: 'duplicate proxy name "d"', status: 400 });
    expect(JSON.parse((await call('GET', '/proxies')).body)).toEqual({});
  });

  it('names containing "/": 404 in a path, 400 in a body', async () => {
    expectError(await call('GET', '/proxies/a/b'), 404, '404 page not found');
    expectError(await call('GET', '/proxies/a%2Fb'), 404, '404 page not found');
    expectError(
      await call('POST', '/proxies', { name: 'a/b', upstream }),
      400,
      `bad request body: name "a/b" must not contain '/'`,
    );
    await createProxy();
    expectError(
      await call('POST', '/proxies/db/toxics', { type: 'noop', name: 'x/y' }),
      400,
      `bad request body: name "x/y" must not contain '/'`,
    );
  });

  it('percent-encoded names are decoded, as gorilla/mux matches the decoded path', async () => {
    await createProxy('a b');
    expect((await call('GET', '/proxies/a%20b')).status).toBe(200);
  });

  it('413: a body over 1 MiB, by Content-Length or by streaming; the server keeps serving', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const declared = await call('POST', '/proxies', big);
    expectError(declared, 413, 'request body too large: the limit is 1048576 bytes');
    const chunked = await call('POST', '/populate', big, { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    const ok = await call('GET', '/version');
    expect(ok.status).toBe(200);
  });

  it('a storm of malformed requests never takes the server down', async () => {
    await createProxy();
    const bodies = [
      '{',
      '[',
      'null',
      'true',
      '"x"',
      '{"name":{}}',
      '{"type":null}',
      '\u0000',
      '{"attributes":{"latency":1e400}}',
    ];
    for (const body of bodies) {
      for (const path of ['/proxies', '/populate', '/proxies/db', '/proxies/db/toxics']) {
        const res = await call('POST', path, body);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }
    }
    expect((await call('GET', '/version')).status).toBe(200);
  });
});
