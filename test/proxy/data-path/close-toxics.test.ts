/** Toxics that close connections: reset_peer, slow_close, limit_data. */
import { closedHow, Harness, readToEnd, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

it('reset_peer: nothing until data flows, then RST after the timeout on new connections', async () => {
  const p = await h.proxied('rst', { echo: true });
  await p.proxy.addToxic(toxic('reset_peer', { timeout: 100 }));
  const { client, server } = await h.pair(p);
  const clientClosed = closedHow(client);
  const serverClosed = closedHow(server);
  const start = performance.now();
  client.write('ping');
  expect(await clientClosed).toBe('ECONNRESET');
  expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  expect(await serverClosed).toBe('ECONNRESET');
});

it('reset_peer with toxicity 0 still makes new connections close with RST (issue #603)', async () => {
  const p = await h.proxied('linger');
  await p.proxy.addToxic(toxic('reset_peer', { timeout: 0 }, { toxicity: 0 }));
  const { client, server } = await h.pair(p);
  const serverClosed = closedHow(server);
  client.end();
  expect(await serverClosed).toBe('ECONNRESET');
});

it('reset_peer added to an open connection closes it with a FIN', async () => {
  const p = await h.proxied('late-rst', { echo: true });
  const { client } = await h.pair(p);
  await p.proxy.addToxic(toxic('reset_peer', { timeout: 0 }));
  const closed = closedHow(client);
  client.write('ping');
  expect(await closed).toBe('end');
});

it('slow_close: the close reaches the client `delay` ms after the server closed', async () => {
  const p = await h.proxied('slow');
  await p.proxy.addToxic(toxic('slow_close', { delay: 300 }));
  const { client, server } = await h.pair(p);
  const got = readToEnd(client);
  const start = performance.now();
  server.end('bye');
  const { data } = await got;
  expect(data.toString()).toBe('bye');
  expect(performance.now() - start).toBeGreaterThanOrEqual(290);
});

it('limit_data: passes exactly `bytes`, then closes both sides', async () => {
  const p = await h.proxied('limit');
  await p.proxy.addToxic(toxic('limit_data', { bytes: 100 }, { stream: 'upstream' }));
  const { client, server } = await h.pair(p);
  const atServer = readToEnd(server);
  const clientClosed = closedHow(client);
  client.write(Buffer.alloc(60, 1));
  client.write(Buffer.alloc(240, 2));
  const { data } = await atServer;
  expect(data).toEqual(Buffer.concat([Buffer.alloc(60, 1), Buffer.alloc(40, 2)]));
  expect(await clientClosed).toBe('end');
});
