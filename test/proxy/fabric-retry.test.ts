import { Fabric } from '../../src/proxy/fabric';
import { startToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/server';
import { parseTopology } from '../../src/topology';

// Building the 27-replica fabric takes 2,835 API calls; under load one of them met a
// kept-alive connection the server had just closed, fetch failed with "other side closed",
// and the whole cluster failed to start (docs/reliability/scale.md). A call that got no
// answer at all is made again (every fabric call is idempotent).
const topologyText = `
regions:
  - name: us-east-1
    replicas: [a, b]
latency:
  preset: aws
replication:
  mode: single-copy
`;

describe('Fabric API calls without an answer', () => {
  let server: ToxiproxyServer;
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    server = await startToxiproxyServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await server.close();
  });

  it('are made again, so one dropped connection does not fail the fabric', async () => {
    const parsed = parseTopology(topologyText, 'retry.yaml');
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
    let dropped = 0;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      if (String(input).endsWith('/toxics') && dropped < 2) {
        dropped++;
        throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      }
      return realFetch(input, init);
    }) as typeof fetch;
    const upstreams = new Map([
      ['a', '127.0.0.1:1'],
      ['b', '127.0.0.1:1'],
    ]);
    const fabric = await Fabric.create(parsed.topology, server.url, { upstreams });
    globalThis.fetch = realFetch;
    expect(dropped).toBe(2);
    const snapshot = await fabric.snapshot();
    expect(snapshot.size).toBe(fabric.proxies().length);
    for (const name of fabric.proxies()) {
      expect(
        snapshot
          .get(name)
          ?.toxics.map((t) => t.name)
          .sort(),
      ).toEqual(['geolab_latency_downstream', 'geolab_latency_upstream']);
    }
    await fabric.destroy();
  });
});
