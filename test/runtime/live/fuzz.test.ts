import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { WebSocket } from 'ws';
import { asNodeId } from '../../../src/core/ids';
import { Rng } from '../../../src/core/random';
import { MemoryStorage } from '../../../src/core/storage/memory-storage';
import { LiveNode } from '../../../src/runtime/live/live-node';
import { replicaMaker } from '../../../src/runtime/modes';
import { parseTopology } from '../../../src/topology';

// Random, mutated and oversized frames at a live replica's client and peer endpoints: every
// one is answered or refused, each refusal is logged, and the replica goes on serving.
const parsed = parseTopology(
  `
regions:
  - name: us-east-1
    replicas: [a, b]
latency: { preset: aws }
replication: { mode: single-copy, primary: a }
network: { basePort: 0 }
`,
  'fuzz.yaml',
);
if (!parsed.ok) throw new Error('topology');
const topology = parsed.topology;

const validRequest = (n: number) => ({
  v: 1,
  kind: 'request',
  request: {
    id: `fuzz:${n}`,
    client: 'fuzz',
    region: 'us-east-1',
    op: { f: 'write', key: 'k', value: n },
  },
});

function randomFrame(rng: Rng, n: number): string | Buffer {
  switch (rng.below(6)) {
    case 0: // random bytes, often not UTF-8
      return Buffer.from(Array.from({ length: rng.below(200) }, () => rng.below(256)));
    case 1: {
      // a valid frame with one character changed
      const text = JSON.stringify(validRequest(n));
      const i = rng.below(text.length);
      return text.slice(0, i) + String.fromCharCode(32 + rng.below(90)) + text.slice(i + 1);
    }
    case 2: {
      // a valid frame with a field removed or retyped
      const frame = validRequest(n) as Record<string, unknown>;
      const request = frame.request as Record<string, unknown>;
      const victim = ['id', 'client', 'region', 'op', 'v', 'kind'][rng.below(6)];
      const target = victim in frame ? frame : request;
      if (rng.next() < 0.5) delete target[victim];
      else target[victim] = [null, 7, {}, 'x'.repeat(300), true][rng.below(5)];
      return JSON.stringify(frame);
    }
    case 3: // deep nesting
      return `${'['.repeat(100 + rng.below(100))}${']'.repeat(100)}`;
    case 4: // the wrong protocol: a peer envelope, or prototype tricks
      return rng.next() < 0.5
        ? JSON.stringify({ v: 1, from: 'b', to: 'a', type: 'forward', body: null })
        : '{"__proto__": {"polluted": true}, "v": 1, "kind": "ping"}';
    default:
      return JSON.stringify(validRequest(n));
  }
}

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  await once(ws, 'open');
  return ws;
}

describe('a live replica under fuzzed frames', () => {
  const logs: string[] = [];
  let node: LiveNode;
  let base: string;

  beforeAll(async () => {
    node = new LiveNode({
      topology,
      node: asNodeId('a'),
      storage: new MemoryStorage(),
      replica: replicaMaker(topology),
      peerAddress: () => undefined,
      host: '127.0.0.1',
      port: 0,
      log: (m) => logs.push(m),
    });
    base = `ws://127.0.0.1:${await node.start()}`;
  });
  afterAll(() => node.close());

  it('answers or refuses 9,000 client frames and keeps serving', async () => {
    const rng = new Rng(2026);
    let ws = await connect(`${base}/client`);
    let answers = 0;
    const count = () => answers++;
    ws.on('message', count);
    for (let n = 0; n < 9000; n++) {
      if (ws.readyState !== WebSocket.OPEN) {
        ws = await connect(`${base}/client`);
        ws.on('message', count);
      }
      ws.send(randomFrame(rng, n));
      // Now and then an oversized frame: ws itself closes the connection (1009), as it should.
      if (n % 3000 === 2999) ws.send(Buffer.alloc(1024 * 1024 + 10, 0x20));
      if (n % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answers).toBeGreaterThan(7000);
    expect(logs.filter((l) => l.startsWith('client frame rejected')).length).toBeGreaterThan(4000);

    const fresh = await connect(`${base}/client`);
    const reply = once(fresh, 'message');
    fresh.send(JSON.stringify(validRequest(1e9)));
    const [data] = (await reply) as [Buffer];
    expect(JSON.parse(data.toString())).toMatchObject({
      kind: 'result',
      result: { type: 'ok', value: 1e9 },
    });
    fresh.close();
  }, 60_000);

  it('answers malformed HTTP with a status and a reason, never a crash', async () => {
    const http = base.replace('ws://', 'http://');
    const cases: [string, RequestInit, number][] = [
      ['/kv/x', { method: 'PUT', body: 'not json' }, 400],
      ['/kv/x/cas', { method: 'POST', body: '{"expected": 1}' }, 400],
      ['/kv/x', { method: 'DELETE' }, 405],
      ['/nowhere', {}, 404],
      [`/kv/${'k'.repeat(300)}`, {}, 400],
      ['/kv/%E0%A4%A', {}, 400],
      ['/kv/x?consistency=%20bad', {}, 400],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(`${http}${path}`, init).catch((e: Error) => {
        throw new Error(`${path} ${init.method ?? 'GET'}: ${e.message}`);
      });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(await res.json()).toHaveProperty('error');
    }
    // A request target that is not a URL at all, on a raw socket.
    const raw = connectTcp(Number(new URL(http).port), '127.0.0.1');
    raw.write('GET // HTTP/1.1\r\nhost: x\r\n\r\n');
    const [reply] = (await once(raw, 'data')) as [Buffer];
    expect(reply.toString()).toMatch(/^HTTP\/1.1 400/);
    raw.destroy();
    const ok = await fetch(`${http}/status`);
    expect(ok.status).toBe(200);
  });

  it('closes a peer connection on a bad frame, 1,000 times, and still takes a good one', async () => {
    const rng = new Rng(7);
    let closed = 0;
    for (let n = 0; n < 1000; n++) {
      const ws = await connect(`${base}/peer`);
      const done = once(ws, 'close');
      ws.send(randomFrame(rng, n));
      // Frames that happen to be well-formed envelopes from a member stay open: close them.
      const timer = setTimeout(() => ws.close(), 50);
      const [code] = (await done) as [number];
      clearTimeout(timer);
      if (code !== 1000 && code !== 1005) closed++;
    }
    expect(closed).toBeGreaterThan(900);
    expect(logs.filter((l) => l.startsWith('peer frame rejected')).length).toBe(closed);

    // A well-formed forward from b still reaches the primary, which answers b (not connected:
    // the answer is lost, as Env.send allows) — the node is alive if it answers a client next.
    const peer = await connect(`${base}/peer`);
    peer.send(
      JSON.stringify({ v: 1, from: 'b', to: 'a', type: 'forward', body: validRequest(5).request }),
    );
    const client = await connect(`${base}/client`);
    const reply = once(client, 'message');
    client.send(
      JSON.stringify({
        v: 1,
        kind: 'request',
        request: { id: 'r:1', client: 'c', region: 'us-east-1', op: { f: 'read', key: 'k' } },
      }),
    );
    const [data] = (await reply) as [Buffer];
    expect(JSON.parse(data.toString())).toMatchObject({
      kind: 'result',
      result: { type: 'ok', value: 5 },
    });
    peer.close();
    client.close();
  }, 120_000);
});
