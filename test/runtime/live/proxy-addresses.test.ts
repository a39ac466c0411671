import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeId } from '../../../src/core/ids';
import { ProxyAddresses } from '../../../src/runtime/live/proxy-addresses';

// A replica learns where to dial its peers by asking the Toxiproxy for its own proxies. At
// 27 replicas, polling the whole list (GET /proxies: every proxy of the fabric, 945 of them)
// while the fabric was being built made the API serialise ~100 KB per poll, 135 polls a
// second: the fabric took 34 s instead of 8 s and an API call failed ("fetch failed"), so
// the cluster never started (docs/reliability/scale.md). It must ask by name only.
describe('ProxyAddresses', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  let created = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const name = /^\/proxies\/([^/]+)$/.exec(req.url ?? '')?.[1];
      if (!created || name === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'proxy not found', status: 404 }));
        return;
      }
      const peer = decodeURIComponent(name).split('__')[1];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          name: decodeURIComponent(name),
          listen: `127.0.0.1:${peer === 'b' ? 20001 : 20002}`,
          upstream: '127.0.0.1:1',
          enabled: true,
          toxics: [],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks only for its own proxies by name, one request a round until the fabric exists', async () => {
    const logs: string[] = [];
    const addresses = new ProxyAddresses(url, 'a' as NodeId, ['b', 'c'] as NodeId[], (m) =>
      logs.push(m),
    );
    addresses.start(10);
    let before: number | undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      before = asked.length;
      created = true;
      const deadline = performance.now() + 5000;
      while (addresses.get('c' as NodeId) === undefined && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      addresses.stop();
    }
    // Before the proxies existed every round stopped at the first missing one.
    expect(new Set(asked.slice(0, before))).toEqual(new Set(['/proxies/a__b']));
    expect(addresses.get('b' as NodeId)).toEqual({ host: '127.0.0.1', port: 20001 });
    expect(addresses.get('c' as NodeId)).toEqual({ host: '127.0.0.1', port: 20002 });
    expect(asked).not.toContain('/proxies');
    expect(asked.slice(before).filter((p) => p !== '/proxies/a__b')).toEqual(['/proxies/a__c']);
    expect(logs).toEqual([]);
  });
});
