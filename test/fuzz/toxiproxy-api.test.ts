import { startToxiproxyServer } from '../../src/proxy/server';
import { assertTarget, toxiproxyApi } from './targets';

const SEED = 11;

describe('the Toxiproxy API, fuzzed', () => {
  it('answers bad proxy and toxic bodies with a 4xx and an error, never a 5xx', async () => {
    await assertTarget(toxiproxyApi(), 300, SEED);
  });

  // The fuzzer's first finding: a listen address that cannot be bound was a 500.
  it('answers a listen address without a port with a 400, and populate likewise', async () => {
    const server = await startToxiproxyServer({ port: 0 });
    try {
      const create = await fetch(`${server.url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'p', listen: 'leader', upstream: '127.0.0.1:9' }),
      });
      expect(create.status).toBe(400);
      expect(await create.json()).toEqual({
        error: 'listen tcp: address leader: missing port in address',
        status: 400,
      });
      const populate = await fetch(`${server.url}/populate`, {
        method: 'POST',
        body: JSON.stringify([{ name: 'p', listen: 'hnJ', upstream: '127.0.0.1:9' }]),
      });
      expect(populate.status).toBe(400);
      const unassigned = await fetch(`${server.url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'p', listen: '7.0.0.1:0', upstream: '127.0.0.1:9' }),
      });
      expect(unassigned.status).toBe(409);
      // V8's JSON.parse message echoes the body, newline included: it was two lines.
      const yaml = await fetch(`${server.url}/proxies`, { method: 'POST', body: '%YAML 1.1\n{}' });
      expect(yaml.status).toBe(400);
      const { error } = (await yaml.json()) as { error: string };
      expect(error).toMatch(/^bad request body: /);
      expect(error).not.toContain('\n');
    } finally {
      await server.close();
    }
  });
});
