/** The slicer toxic on a live connection: many small writes, same bytes. */
import { Harness, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

it('delivers a write as many small pieces, `delay` µs apart, bytes intact', async () => {
  const p = await h.proxied('slices');
  await p.proxy.addToxic(toxic('slicer', { average_size: 10, size_variation: 5, delay: 3000 }));
  const { client, server } = await h.pair(p);
  const payload = Buffer.from('x'.repeat(200).replace(/x/g, (_, i: number) => String(i % 10)));
  const pieces: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    let size = 0;
    client.on('data', (d: Buffer) => {
      pieces.push(d);
      size += d.length;
      if (size >= payload.length) resolve();
    });
  });
  const start = performance.now();
  server.write(payload);
  await done;
  expect(Buffer.concat(pieces).equals(payload)).toBe(true);
  // ≈20 slices of ≤15 bytes with 3 ms between them; TCP may merge a few on a busy machine.
  expect(pieces.length).toBeGreaterThanOrEqual(8);
  expect(performance.now() - start).toBeGreaterThanOrEqual(30);
});
