/** The timeout toxic: 0 is a silent blackhole until removed; > 0 closes after inactivity. */
import { closedHow, Harness, readToEnd, staysSilent, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

it('timeout 0 drops data silently and keeps the connection; removal closes it', async () => {
  const p = await h.proxied('hole');
  const { client, server } = await h.pair(p);
  const t = await p.proxy.addToxic(toxic('timeout', { timeout: 0 }, { stream: 'upstream' }));
  const received = readToEnd(server);
  client.write('lost');
  expect(await staysSilent(client, 300)).toBe(true);
  // New connections are still accepted (and dialled upstream) while the hole is open.
  const other = await h.pair(p);
  expect(await staysSilent(other.client, 50)).toBe(true);
  const clientClosed = closedHow(client);
  await t.remove();
  expect(await clientClosed).toBe('end');
  // The dropped bytes never arrive, not even after the toxic is gone.
  expect((await received).data.length).toBe(0);
});

it('timeout > 0 closes after that long without input; each chunk restarts the clock', async () => {
  const p = await h.proxied('idle');
  const { client } = await h.pair(p);
  await p.proxy.addToxic(toxic('timeout', { timeout: 200 }, { stream: 'upstream' }));
  const start = performance.now();
  const closed = closedHow(client);
  client.write('a');
  await new Promise((resolve) => setTimeout(resolve, 120));
  client.write('b');
  expect(await closed).toBe('end');
  // Closed ≥ 200 ms after the second chunk, so ≥ 320 ms after the start.
  expect(performance.now() - start).toBeGreaterThanOrEqual(300);
});

it('removing a timeout with toxicity 0 leaves its connections open', async () => {
  const p = await h.proxied('missed');
  const { client, server } = await h.pair(p);
  const t = await p.proxy.addToxic(toxic('timeout', { timeout: 0 }, { toxicity: 0 }));
  await t.remove();
  expect(await staysSilent(client, 100)).toBe(true);
  server.write('x');
  expect(await staysSilent(client, 200)).toBe(false);
});
