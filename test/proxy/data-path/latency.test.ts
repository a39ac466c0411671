/** The latency toxic on live loopback connections: one direction, from arrival, FIFO, stacking. */
import type { Socket } from 'node:net';
import type { Proxied } from '../harness';
import { Harness, median, oneWayMs, readBytes, staysSilent, toxic } from '../harness';

let h: Harness;
let p: Proxied;
let client: Socket;
let server: Socket;

beforeEach(async () => {
  h = await Harness.start();
  p = await h.proxied('lag');
  ({ client, server } = await h.pair(p));
});
afterEach(() => h.close());

/** `n` one-way delays each way, one message at a time. */
async function sample(n: number): Promise<{ up: number[]; down: number[] }> {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < n; i++) {
    up.push(await oneWayMs(client, server, Buffer.from(`up ${i}`)));
    down.push(await oneWayMs(server, client, Buffer.from(`down ${i}`)));
  }
  return { up, down };
}

it('50 ms ± 10 ms upstream adds ≈50 ms to client→server only', async () => {
  await p.proxy.addToxic(toxic('latency', { latency: 50, jitter: 10 }, { stream: 'upstream' }));
  const { up, down } = await sample(20);
  // Jitter spreads delays over [40, 60); a loaded machine only ever adds time.
  expect(Math.min(...up)).toBeGreaterThanOrEqual(39);
  expect(median(up)).toBeGreaterThanOrEqual(42);
  expect(median(up)).toBeLessThanOrEqual(62);
  expect(median(down)).toBeLessThan(10);
});

it('applies to a connection opened before the toxic, and stops when removed', async () => {
  expect(median((await sample(5)).up)).toBeLessThan(10);
  const t = await p.proxy.addToxic(
    toxic('latency', { latency: 80, jitter: 0 }, { stream: 'upstream' }),
  );
  expect(median((await sample(5)).up)).toBeGreaterThanOrEqual(79);
  await t.remove();
  expect(median((await sample(5)).up)).toBeLessThan(10);
});

it('an update takes effect on open connections', async () => {
  const t = await p.proxy.addToxic(toxic('latency', { latency: 10, jitter: 0 }));
  expect(median((await sample(3)).down)).toBeLessThan(40);
  await t.update({ ...t.toJson(), attributes: { latency: 120, jitter: 0 } });
  expect(Math.min(...(await sample(3)).down)).toBeGreaterThanOrEqual(119);
});

it('stacked latency toxics add up', async () => {
  await p.proxy.addToxic(
    toxic('latency', { latency: 30, jitter: 0 }, { name: 'a', stream: 'upstream' }),
  );
  await p.proxy.addToxic(
    toxic('latency', { latency: 30, jitter: 0 }, { name: 'b', stream: 'upstream' }),
  );
  const { up } = await sample(5);
  expect(Math.min(...up)).toBeGreaterThanOrEqual(59);
  expect(median(up)).toBeLessThan(85);
});

it('measures from arrival: a burst is pipelined, not serialised', async () => {
  await p.proxy.addToxic(toxic('latency', { latency: 100, jitter: 0 }, { stream: 'upstream' }));
  const arrived = readBytes(server, 10 * 100);
  const start = performance.now();
  for (let i = 0; i < 10; i++) {
    client.write(Buffer.alloc(100, i));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await arrived;
  // Serialised, ten chunks would take ≥ 1 s; pipelined they all land ≈100 ms after the last.
  expect(performance.now() - start).toBeLessThan(600);
});

it('keeps order under jitter (FIFO: a short delay never overtakes a long one)', async () => {
  await p.proxy.addToxic(toxic('latency', { latency: 20, jitter: 19 }, { stream: 'upstream' }));
  const sent: Buffer[] = [];
  for (let i = 0; i < 60; i++) sent.push(Buffer.from(`${String(i).padStart(4, '0')};`));
  const expected = Buffer.concat(sent);
  const arrived = readBytes(server, expected.length);
  for (const b of sent) {
    client.write(b);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect((await arrived).toString()).toBe(expected.toString());
});

it('removing it delivers the data it held at once', async () => {
  const t = await p.proxy.addToxic(toxic('latency', { latency: 60_000, jitter: 0 }));
  server.write('held');
  expect(await staysSilent(client, 150)).toBe(true);
  const arrived = readBytes(client, 4);
  const start = performance.now();
  await t.remove();
  expect((await arrived).toString()).toBe('held');
  expect(performance.now() - start).toBeLessThan(1000);
});
