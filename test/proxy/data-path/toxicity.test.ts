/** toxicity: the chance, rolled per connection, that a toxic applies; re-rolled on update. */
import { Harness, median, oneWayMs, toxic } from '../harness';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(() => h.close());

const delays = async (client: import('node:net').Socket, server: import('node:net').Socket) => {
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) xs.push(await oneWayMs(client, server, Buffer.from('t')));
  return xs;
};

it('toxicity 0 never applies and toxicity 1 always does', async () => {
  const p = await h.proxied('chance');
  const zero = await p.proxy.addToxic(
    toxic(
      'latency',
      { latency: 200, jitter: 0 },
      { name: 'zero', stream: 'upstream', toxicity: 0 },
    ),
  );
  for (let i = 0; i < 3; i++) {
    const { client, server } = await h.pair(p);
    expect(median(await delays(client, server))).toBeLessThan(100);
  }
  await zero.remove();
  await p.proxy.addToxic(
    toxic('latency', { latency: 200, jitter: 0 }, { name: 'one', stream: 'upstream', toxicity: 1 }),
  );
  for (let i = 0; i < 3; i++) {
    const { client, server } = await h.pair(p);
    expect(Math.min(...(await delays(client, server)))).toBeGreaterThanOrEqual(199);
  }
});

it('is re-rolled on update, for connections already open', async () => {
  const p = await h.proxied('reroll');
  const t = await p.proxy.addToxic(
    toxic('latency', { latency: 150, jitter: 0 }, { stream: 'upstream', toxicity: 0 }),
  );
  const { client, server } = await h.pair(p);
  expect(median(await delays(client, server))).toBeLessThan(100);
  await t.update({ ...t.toJson(), toxicity: 1 });
  expect(Math.min(...(await delays(client, server)))).toBeGreaterThanOrEqual(149);
});

it('is rolled per connection from the server random source', async () => {
  const draws = [0.2, 0.8];
  let i = 0;
  const seeded = await Harness.start({ random: () => draws[i++ % draws.length] ?? 0 });
  try {
    const p = await seeded.proxied('half');
    await p.proxy.addToxic(
      toxic('latency', { latency: 200, jitter: 0 }, { stream: 'upstream', toxicity: 0.5 }),
    );
    const first = await seeded.pair(p); // draws 0.2 < 0.5: applies
    const second = await seeded.pair(p); // draws 0.8: does not
    expect(Math.min(...(await delays(first.client, first.server)))).toBeGreaterThanOrEqual(199);
    expect(median(await delays(second.client, second.server))).toBeLessThan(100);
  } finally {
    await seeded.close();
  }
});
