/** Connection life: enable/disable, dialling at accept, EOF closing both sides, the fast path. */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { closedHow, Harness, median, oneWayMs, portOf, readBytes, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

function refused(listen: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(portOf(listen), '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

it('enabled:false closes open connections (FIN) and refuses new ones; true serves again', async () => {
  const p = await h.proxied('switch', { echo: true });
  const { client, server } = await h.pair(p);
  const clientClosed = closedHow(client);
  const serverClosed = closedHow(server);
  const off = await p.proxy.update({
    enabled: false,
    listen: p.proxy.listen,
    upstream: p.proxy.upstream,
  });
  expect(await clientClosed).toBe('end');
  expect(await serverClosed).toBe('end');
  expect(await refused(off.listen)).toBe('ECONNREFUSED');
  await off.update({ enabled: true, listen: off.listen, upstream: off.upstream });
  const again = await h.connect(off.listen);
  const echoed = readBytes(again, 2);
  again.write('hi');
  expect((await echoed).toString()).toBe('hi');
});

it('a new upstream restarts the proxy: open connections drop, new ones reach the new upstream', async () => {
  const p = await h.proxied('move', { echo: true });
  const { client } = await h.pair(p);
  const closed = closedHow(client);
  const next = await h.upstream();
  const moved = await p.proxy.update({
    enabled: true,
    listen: p.proxy.listen,
    upstream: next.address,
  });
  expect(moved.listen).toBe(p.proxy.listen);
  expect(await closed).toBe('end');
  const again = await h.connect(moved.listen);
  const server = await next.accepted(0);
  const got = readBytes(server, 3);
  again.write('new');
  expect((await got).toString()).toBe('new');
});

it('deleting a proxy closes its listener and connections', async () => {
  const p = await h.proxied('gone');
  const { client } = await h.pair(p);
  const closed = closedHow(client);
  await p.proxy.remove();
  expect(await closed).toBe('end');
  expect(await refused(p.proxy.listen)).toBe('ECONNREFUSED');
});

it('dials upstream at accept, and closes the client when that fails', async () => {
  const dead = await h.upstream();
  const address = dead.address;
  await dead.close();
  const proxy = await h.toxiproxy.createProxy({
    name: 'nowhere',
    listen: '127.0.0.1:0',
    upstream: address,
  });
  const client = await h.connect(proxy.listen);
  expect(['end', 'ECONNRESET', 'close']).toContain(await closedHow(client));
});

it("one side's EOF closes both sides (no half-close)", async () => {
  const p = await h.proxied('eof');
  const a = await h.pair(p);
  const serverClosed = closedHow(a.server);
  const clientClosed = closedHow(a.client);
  a.client.end();
  expect(await serverClosed).toBe('end');
  expect(await clientClosed).toBe('end');

  const b = await h.pair(p);
  const got = readBytes(b.client, 4);
  const bClient = closedHow(b.client);
  const bServer = closedHow(b.server);
  b.server.end('last');
  expect((await got).toString()).toBe('last');
  expect(await bClient).toBe('end');
  expect(await bServer).toBe('end');
});

it('data still held by a toxic is delivered before the close that follows it', async () => {
  const p = await h.proxied('drain');
  await p.proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }));
  const { client, server } = await h.pair(p);
  const got = readBytes(client, 5);
  server.end('final');
  expect((await got).toString()).toBe('final');
});

it('the no-toxic fast path moves 16 MB intact both ways, and switches to toxics live', async () => {
  const p = await h.proxied('bulk', { echo: true });
  const client = await h.connect(p.proxy.listen);
  const payload = randomBytes(16 * 1024 * 1024);
  const echoed = readBytes(client, payload.length);
  client.write(payload);
  expect((await echoed).equals(payload)).toBe(true);

  const { client: c, server: s } = await h.pair(await h.proxied('live'));
  expect(
    median([await oneWayMs(c, s, Buffer.from('a')), await oneWayMs(c, s, Buffer.from('b'))]),
  ).toBeLessThan(20);
  const proxy = await h.toxiproxy.get('live');
  await proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }, { stream: 'upstream' }));
  expect(await oneWayMs(c, s, Buffer.from('c'))).toBeGreaterThanOrEqual(99);
});

it('server close() ends every listener and connection', async () => {
  const other = await Harness.start();
  const p = await other.proxied('x');
  await p.proxy.addToxic(toxic('latency', { latency: 60_000, jitter: 0 }));
  // A client the harness does not know, so that only the server's close() can close it.
  const client = connect({ port: portOf(p.proxy.listen), host: '127.0.0.1' });
  await new Promise((resolve) => client.once('connect', resolve));
  await p.upstream.accepted(0);
  const closed = closedHow(client);
  client.write('pending');
  await other.close();
  // FIN, or RST if the close beat the proxy to reading 'pending' (as Go's Close would).
  expect(['end', 'ECONNRESET']).toContain(await closed);
  expect(await refused(p.proxy.listen)).toBe('ECONNREFUSED');
});
