/** The bandwidth toxic on live connections: rate in KB/s (1000 B), rate 0 holds the data. */
import { randomBytes } from 'node:crypto';
import { Harness, readBytes, staysSilent, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

/** Seconds to move `bytes` client→server at `rate` KB/s. */
async function transferSeconds(bytes: number, rate: number): Promise<number> {
  const p = await h.proxied('bw');
  await p.proxy.addToxic(toxic('bandwidth', { rate }, { stream: 'upstream' }));
  const { client, server } = await h.pair(p);
  const payload = randomBytes(bytes);
  const arrived = readBytes(server, bytes);
  const start = performance.now();
  client.write(payload);
  expect((await arrived).equals(payload)).toBe(true);
  return (performance.now() - start) / 1000;
}

it('100 KB/s moves 50 KB in ≈0.5 s', async () => {
  const s = await transferSeconds(50_000, 100);
  expect(s).toBeGreaterThanOrEqual(0.45);
  expect(s).toBeLessThan(1.2);
});

it('100 KB/s moves 500 KB in ≈5 s (the issue size)', async () => {
  const s = await transferSeconds(500_000, 100);
  expect(s).toBeGreaterThanOrEqual(4.7);
  expect(s).toBeLessThan(6.5);
}, 20_000);

it('rate 0 holds the data, TCP pushes back, and removal delivers it on a live connection', async () => {
  const p = await h.proxied('hold');
  const { client, server } = await h.pair(p);
  const t = await p.proxy.addToxic(toxic('bandwidth', { rate: 0 }));
  server.write('held');
  expect(await staysSilent(client, 200)).toBe(true);
  const arrived = readBytes(client, 4);
  await t.remove();
  expect((await arrived).toString()).toBe('held');
  // The connection survived the stall.
  const reply = readBytes(client, 4);
  server.write('more');
  expect((await reply).toString()).toBe('more');
});

it('a stalled direction stops reading its source instead of buffering without bound', async () => {
  const p = await h.proxied('backpressure');
  await p.proxy.addToxic(toxic('bandwidth', { rate: 0 }, { stream: 'upstream' }));
  const { client } = await h.pair(p);
  const chunk = Buffer.alloc(1024 * 1024);
  let written = 0;
  // Write until the socket itself reports back-pressure for a while.
  for (let i = 0; i < 64 && written < 64 * chunk.length; i++) {
    if (!client.write(chunk)) {
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 300);
        client.once('drain', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!drained) break;
    }
    written += chunk.length;
  }
  expect(written).toBeLessThan(64 * chunk.length);
});
