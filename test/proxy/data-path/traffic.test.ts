/** Byte counts per proxy and direction, which `/metrics` reports as proxy traffic. */
import { randomBytes } from 'node:crypto';
import { Harness, readBytes, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

function trafficOf(name: string): { upstreamBytes: number; downstreamBytes: number } {
  const found = h.server.traffic().find((t) => t.name === name);
  if (found === undefined) throw new Error(`no traffic for proxy ${name}`);
  return found;
}

it('counts the bytes each direction forwarded, on the fast path and through toxics', async () => {
  const p = await h.proxied('counted', { echo: true });
  await p.proxy.addToxic(toxic('latency', { latency: 5, jitter: 0 }, { stream: 'downstream' }));
  expect(trafficOf('counted')).toMatchObject({ upstreamBytes: 0, downstreamBytes: 0 });
  const first = await h.connect(p.proxy.listen);
  const second = await h.connect(p.proxy.listen);
  const payload = randomBytes(3000);
  const echoed = [readBytes(first, 3000), readBytes(second, 1000)];
  first.write(payload);
  second.write(payload.subarray(0, 1000));
  await Promise.all(echoed);
  // The echo sends back what it received: upstream and downstream carried the same bytes.
  expect(trafficOf('counted')).toEqual({
    name: 'counted',
    upstreamBytes: 4000,
    downstreamBytes: 4000,
  });
});

it('lists every proxy, sorted by name', async () => {
  await h.proxied('b');
  await h.proxied('a');
  expect(h.server.traffic().map((t) => t.name)).toEqual(['a', 'b']);
});
