/**
 * The embedded server driven through toxiproxy-node-client 4.1.0, every method it has:
 * Toxiproxy (createProxy, populate, get, getAll, getVersion, reset, getApi), Proxy (update,
 * remove, addToxic, getToxic, toJson, getHost, getPath, getToxiproxy) and Toxic (update,
 * remove, toJson, getPath). Its TestHelper is left out: it is not exported and is hard-wired to
 * localhost:8474.
 */
import type { Latency, Proxy } from 'toxiproxy-node-client';
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { Harness, portOf } from '../harness';

describe('toxiproxy-node-client against the embedded server', () => {
  let h: Harness;
  let upstream: string;

  beforeEach(async () => {
    h = await Harness.start();
    upstream = (await h.upstream({ echo: true })).address;
  });
  afterEach(() => h.close());

  const create = (name: string, listen = '127.0.0.1:0'): Promise<Proxy> =>
    h.toxiproxy.createProxy({ name, listen, upstream });

  it('getVersion returns the raw /version text', async () => {
    expect(await h.toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('createProxy binds port 0 and reports the real host:port', async () => {
    const proxy = await create('db', 'localhost:0');
    expect(proxy.name).toBe('db');
    expect(proxy.enabled).toBe(true);
    expect(proxy.upstream).toBe(upstream);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    expect(proxy.toJson()).toEqual({ enabled: true, listen: proxy.listen, name: 'db', upstream });
    expect(proxy.getHost()).toBe(h.server.url);
    expect(proxy.getPath()).toBe(`${h.server.url}/proxies/db`);
    expect(proxy.getToxiproxy()).toBe(h.toxiproxy);
    expect(h.toxiproxy.getApi()).toBe(proxy.api);
  });

  it('createProxy with a taken name fails (409) and leaves the first one alone', async () => {
    await create('db');
    await expect(create('db')).rejects.toThrow('Request failed with status code 409');
    await expect(create('db')).rejects.toBeInstanceOf(ToxiproxyError);
  });

  it('get and getAll return what was created; an unknown name is a 404', async () => {
    await create('b');
    await create('a');
    expect((await h.toxiproxy.get('a')).name).toBe('a');
    expect(Object.keys(await h.toxiproxy.getAll())).toEqual(['a', 'b']);
    await expect(h.toxiproxy.get('nope')).rejects.toThrow('status code 404');
  });

  it('update disables and re-enables on the same port', async () => {
    const proxy = await create('db');
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    expect(disabled.enabled).toBe(false);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream });
    expect(enabled.enabled).toBe(true);
    expect(enabled.listen).toBe(proxy.listen);
  });

  it('remove deletes the proxy', async () => {
    const proxy = await create('db');
    await proxy.remove();
    expect(await h.toxiproxy.getAll()).toEqual({});
    await expect(proxy.remove()).rejects.toThrow('status code 404');
  });

  it('populate creates proxies and keeps identical ones with their toxics', async () => {
    const first = await h.toxiproxy.populate([
      { name: 'x', listen: '127.0.0.1:0', upstream },
      { name: 'y', listen: '127.0.0.1:0', upstream, enabled: false },
    ]);
    expect(Object.keys(first)).toEqual(['x', 'y']);
    expect(first.y?.enabled).toBe(false);
    expect(first.y?.listen).toBe('127.0.0.1:0');
    const x = first.x as Proxy;
    await x.addToxic<Latency>({
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });
    const again = await h.toxiproxy.populate([{ name: 'x', listen: x.listen, upstream }]);
    expect(again.x?.listen).toBe(x.listen);
    expect((await x.getToxic('slow')).name).toBe('slow');
  });

  it('populate([]) returns an empty set (upstream sends null, which crashes the client)', async () => {
    expect(await h.toxiproxy.populate([])).toEqual({});
  });

  it('addToxic, getToxic, Toxic.update and Toxic.remove round-trip', async () => {
    const proxy = await create('db');
    const toxic = await proxy.addToxic<Latency>({
      name: 'lag',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { latency: 100, jitter: 10 },
    });
    expect(toxic.toJson()).toEqual({
      attributes: { latency: 100, jitter: 10 },
      name: 'lag',
      stream: 'upstream',
      toxicity: 0.5,
      type: 'latency',
    });
    expect(toxic.getPath()).toBe(`${h.server.url}/proxies/db/toxics/lag`);
    const fetched = await proxy.getToxic<Latency>('lag');
    expect(fetched.toJson()).toEqual(toxic.toJson());
    const updated = await toxic.update({
      ...toxic.toJson(),
      attributes: { latency: 5, jitter: 0 },
    });
    expect(updated.attributes).toEqual({ latency: 5, jitter: 0 });
    expect(updated.toxicity).toBe(0.5);
    await updated.remove();
    await expect(proxy.getToxic('lag')).rejects.toThrow('status code 404');
  });

  it('reset removes every toxic and re-enables every proxy', async () => {
    const proxy = await create('db');
    await proxy.addToxic({
      name: 't',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    await h.toxiproxy.reset();
    const after = await h.toxiproxy.get('db');
    expect(after.enabled).toBe(true);
    expect(after.listen).toBe(proxy.listen);
    const res = await fetch(`${h.server.url}/proxies/db/toxics`);
    expect(await res.json()).toEqual([]);
  });

  it('a client pointed at a closed port reports the failure as a ToxiproxyError', async () => {
    const dead = new Toxiproxy('http://127.0.0.1:1');
    await expect(dead.getAll()).rejects.toBeInstanceOf(ToxiproxyError);
  });
});
