import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { Fabric, FabricFaultError } from '../../src/proxy/fabric';
import { startToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/server';
import { parseTopology, rttMs, type Topology } from '../../src/topology';

// A live fabric on loopback: the embedded Toxiproxy, one echo server per node standing in
// for the replica, and real TCP through every proxy.

const topologyText = `
regions:
  - name: us-east-1
    replicas: [use1-a, use1-b]
  - name: eu-west-1
    replicas: [euw1-a]
  - name: ap-southeast-1
    replicas: [apse1-a]
latency:
  preset: aws
replication:
  mode: single-copy
`;

function load(): Topology {
  const result = parseTopology(topologyText, 'fabric.yaml');
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.topology;
}

/** A node's stand-in: echoes every byte and remembers what arrived. */
interface EchoNode {
  server: Server;
  received: string[];
  sockets: Set<Socket>;
}

async function startEcho(): Promise<EchoNode> {
  const node: EchoNode = { server: createServer(), received: [], sockets: new Set() };
  node.server.on('connection', (socket) => {
    node.sockets.add(socket);
    socket.on('close', () => node.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      node.received.push(chunk.toString());
      socket.write(chunk);
    });
  });
  node.server.listen(0, '127.0.0.1');
  await once(node.server, 'listening');
  return node;
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function dial(at: { host: string; port: number }): Promise<Socket> {
  const socket = connect(at.port, at.host);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Round trip of one small message through a proxy, in ms. */
async function roundTrip(socket: Socket, text: string): Promise<number> {
  const start = performance.now();
  socket.write(text);
  let got = '';
  while (got.length < text.length) got += String((await once(socket, 'data'))[0]);
  return performance.now() - start;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Whether `text` reaches the node within `withinMs`. */
async function arrives(node: EchoNode, text: string, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (node.received.some((r) => r.includes(text))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('the link fabric on the embedded Toxiproxy', () => {
  const topology = load();
  let toxiproxy: ToxiproxyServer;
  const nodes = new Map<string, EchoNode>();
  let fabric: Fabric;
  const open: Socket[] = [];

  const send = async (from: string, to: string, text: string): Promise<Socket> => {
    const socket = await dial(fabric.address(from, to));
    open.push(socket);
    socket.write(text);
    return socket;
  };

  beforeAll(async () => {
    toxiproxy = await startToxiproxyServer({ port: 0 });
    for (const n of topology.nodes) nodes.set(n.id, await startEcho());
    const upstreams = new Map([...nodes].map(([id, n]) => [id, `127.0.0.1:${portOf(n.server)}`]));
    fabric = await Fabric.create(topology, toxiproxy.url, { upstreams });
  });

  afterAll(async () => {
    for (const s of open) s.destroy();
    await fabric.destroy();
    await toxiproxy.close();
    for (const n of nodes.values()) {
      for (const s of n.sockets) s.destroy();
      n.server.close();
    }
  });

  it('measures every region pair and the inside of each region within ±10% + 2 ms', async () => {
    const pairs: [string, string][] = [
      ['use1-a', 'use1-b'],
      ['euw1-a', 'use1-a'],
      ['apse1-a', 'use1-b'],
      ['euw1-a', 'apse1-a'],
      ['client@eu-west-1', 'euw1-a'],
      ['client@ap-southeast-1', 'apse1-a'],
    ];
    const region = (id: string) =>
      id.startsWith('client@')
        ? id.slice(7)
        : (topology.nodes.find((n) => n.id === id)?.region ?? '');
    const measured = await Promise.all(
      pairs.map(async ([from, to]) => {
        const socket = await dial(fabric.address(from, to));
        open.push(socket);
        const samples: number[] = [];
        for (let i = 0; i < 5; i++) samples.push(await roundTrip(socket, `ping-${i};`));
        return {
          from,
          to,
          expected: rttMs(topology.latency, region(from), region(to)),
          got: median(samples),
        };
      }),
    );
    // Toxiproxy latency is whole ms: each direction rounds by at most 0.5 ms, inside this.
    const outside = measured.filter((m) => Math.abs(m.got - m.expected) > m.expected * 0.1 + 2);
    expect(outside).toEqual([]);
  });

  it('a one-way partition drops one direction only', async () => {
    await fabric.partition(['us-east-1'], ['eu-west-1'], { oneWay: true });
    await send('use1-a', 'euw1-a', 'east-to-west;');
    await send('euw1-a', 'use1-a', 'west-to-east;');
    expect(await arrives(nodes.get('use1-a')!, 'west-to-east;', 1000)).toBe(true);
    expect(await arrives(nodes.get('euw1-a')!, 'east-to-west;', 500)).toBe(false);
    await fabric.heal();
  });

  it('isolating a node cuts it from its region peers and its clients, not the rest', async () => {
    await fabric.isolate('use1-a');
    await send('use1-b', 'use1-a', 'peer-to-isolated;');
    await send('use1-a', 'use1-b', 'isolated-to-peer;');
    await send('client@us-east-1', 'use1-a', 'client-to-isolated;');
    await send('use1-b', 'euw1-a', 'peer-to-west;');
    expect(await arrives(nodes.get('euw1-a')!, 'peer-to-west;', 1000)).toBe(true);
    expect(await arrives(nodes.get('use1-a')!, 'peer-to-isolated;', 300)).toBe(false);
    expect(await arrives(nodes.get('use1-b')!, 'isolated-to-peer;', 300)).toBe(false);
    expect(await arrives(nodes.get('use1-a')!, 'client-to-isolated;', 300)).toBe(false);

    const during = await fabric.snapshot();
    expect(
      during
        .get('use1-b__use1-a')
        ?.toxics.map((t) => t.name)
        .sort(),
    ).toEqual([
      'geolab_blackhole_downstream',
      'geolab_blackhole_upstream',
      'geolab_latency_downstream',
      'geolab_latency_upstream',
    ]);

    await fabric.heal();
    await send('use1-b', 'use1-a', 'after-heal;');
    expect(await arrives(nodes.get('use1-a')!, 'after-heal;', 1000)).toBe(true);
    const after = await fabric.snapshot();
    for (const [, state] of after) {
      expect(state.enabled).toBe(true);
      for (const t of state.toxics) expect(t.name).toMatch(/^geolab_latency_/);
    }
  });

  it('shares partition toxics, stacks latencies, and is safe under concurrent calls', async () => {
    await Promise.all([
      fabric.partition(['eu-west-1'], undefined, { mode: 'hold' }),
      fabric.partition(['eu-west-1'], undefined, { mode: 'hold' }),
      fabric.addLatency(['us-east-1'], ['ap-southeast-1'], 50, 5),
      fabric.addLatency(['us-east-1'], ['ap-southeast-1'], 50, 5),
      fabric.limitBandwidth(['ap-southeast-1'], ['us-east-1'], 100),
    ]);
    const snap = await fabric.snapshot();
    const toxics = (name: string) =>
      snap
        .get(name)
        ?.toxics.map((t) => t.name)
        .sort();
    expect(toxics('euw1-a__use1-a')).toEqual([
      'geolab_hold_downstream',
      'geolab_hold_upstream',
      'geolab_latency_downstream',
      'geolab_latency_upstream',
    ]);
    // Directional faults sit on the upstream of the sender's own links (DESIGN §3): the
    // downstream of us-east-1's links to ap-southeast-1 carries only its own control frames.
    expect(toxics('use1-a__apse1-a')).toEqual([
      expect.stringMatching(/^geolab_extra_latency_\d+_upstream$/),
      expect.stringMatching(/^geolab_extra_latency_\d+_upstream$/),
      'geolab_latency_downstream',
      'geolab_latency_upstream',
    ]);
    expect(toxics('apse1-a__use1-a')).toContainEqual(
      expect.stringMatching(/^geolab_bandwidth_\d+_upstream$/),
    );
    await Promise.all([fabric.heal(), fabric.heal()]);
    const healed = await fabric.snapshot();
    for (const [, state] of healed) {
      for (const t of state.toxics) expect(t.name).toMatch(/^geolab_latency_/);
    }
  });

  it('remove(ids) lifts only the faults named, keeping toxics other faults still want', async () => {
    const faultNames = async (proxy: string): Promise<string[]> =>
      ((await fabric.snapshot()).get(proxy)?.toxics ?? [])
        .map((t) => t.name)
        .filter((n) => !n.startsWith('geolab_latency'))
        .sort();
    const cutWest = await fabric.partition(['eu-west-1']);
    const cutWestAgain = await fabric.partition(['eu-west-1'], ['us-east-1']);
    const slow = await fabric.addLatency(['us-east-1'], ['ap-southeast-1'], 30);
    const narrow = await fabric.limitBandwidth(['us-east-1'], ['ap-southeast-1'], 500);
    const refuse = await fabric.partition(['ap-southeast-1'], ['eu-west-1'], { mode: 'refuse' });
    const refuseToo = await fabric.partition(['eu-west-1'], ['ap-southeast-1'], {
      mode: 'refuse',
    });
    expect(new Set([cutWest, cutWestAgain, slow, narrow, refuse, refuseToo]).size).toBe(6);

    // The first cut goes; the second still wants the toxics between eu-west-1 and us-east-1.
    await fabric.remove([cutWest]);
    expect(await faultNames('euw1-a__use1-a')).toEqual([
      'geolab_blackhole_downstream',
      'geolab_blackhole_upstream',
    ]);
    await send('use1-a', 'euw1-a', 'still-cut;');
    expect(await arrives(nodes.get('euw1-a')!, 'still-cut;', 300)).toBe(false);

    // The latency goes, the bandwidth limit on the same links stays.
    await fabric.remove([slow]);
    const apse = await faultNames('use1-a__apse1-a');
    expect(apse).toHaveLength(1);
    expect(apse[0]).toMatch(/^geolab_bandwidth_\d+_upstream$/);

    // A proxy two refuse partitions disabled is enabled once both are lifted.
    await fabric.remove([refuse]);
    expect((await fabric.snapshot()).get('apse1-a__euw1-a')?.enabled).toBe(false);
    await fabric.remove([refuseToo, 9999]);
    expect((await fabric.snapshot()).get('apse1-a__euw1-a')?.enabled).toBe(true);

    await fabric.remove([cutWestAgain, narrow]);
    await send('use1-a', 'euw1-a', 'healed-by-id;');
    expect(await arrives(nodes.get('euw1-a')!, 'healed-by-id;', 1000)).toBe(true);
    for (const [, state] of await fabric.snapshot()) {
      expect(state.enabled).toBe(true);
      for (const t of state.toxics) expect(t.name).toMatch(/^geolab_latency_/);
    }
  });

  it('refuses connections across a refuse partition, and accepts them after heal', async () => {
    await fabric.partition(['ap-southeast-1'], undefined, { mode: 'refuse' });
    const socket = connect(fabric.address('use1-a', 'apse1-a').port, '127.0.0.1');
    const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    await fabric.heal();
    await send('use1-a', 'apse1-a', 'after-refuse;');
    expect(await arrives(nodes.get('apse1-a')!, 'after-refuse;', 1000)).toBe(true);
  });
});

describe('the fabric under a heal racing a partition', () => {
  it('applies calls to every proxy in call order, past the concurrency limit', async () => {
    const text = `
regions:
  - name: us-east-1
    replicas: [a1, a2, a3, a4]
  - name: eu-west-1
    replicas: [b1, b2, b3, b4]
latency: { preset: aws }
replication: { mode: single-copy }
`;
    const parsed = parseTopology(text, 'race.yaml');
    if (!parsed.ok) throw new Error('topology');
    const t = parsed.topology;
    const server = await startToxiproxyServer({ port: 0 });
    // Nothing listens upstream: this test only reads the toxics back.
    const upstreams = new Map(t.nodes.map((n, i) => [n.id, `127.0.0.1:${40000 + i}`]));
    const fabric = await Fabric.create(t, server.url, { upstreams, concurrency: 2 });
    try {
      await fabric.partition(['a1']);
      // heal() then the same partition again without waiting in between: the removal of the
      // old toxics must not overtake the new ones, or some proxies would be left uncut.
      await Promise.all([fabric.heal(), fabric.partition(['a1'])]);
      const snap = await fabric.snapshot();
      const faulty = [...snap].filter(([, s]) =>
        s.toxics.some((x) => !x.name.startsWith('geolab_latency')),
      );
      const names = faulty.map(([name]) => name);
      expect(names.every((n) => n.startsWith('a1__') || n.endsWith('__a1'))).toBe(true);
      expect(names).toHaveLength(2 * 7 + 2); // a1 to and from its 7 peers, and both client proxies to a1
      expect(
        faulty.every(([, s]) => s.toxics.every((x) => !x.name.startsWith('geolab_hold'))),
      ).toBe(true);

      // remove(id) then the same partition again: the new cut stays on every proxy.
      const id = await fabric.partition(['a2'], undefined, { mode: 'hold' });
      await Promise.all([
        fabric.remove([id]),
        fabric.partition(['a2'], undefined, { mode: 'hold' }),
      ]);
      const again = await fabric.snapshot();
      const held = [...again].filter(([, s]) =>
        s.toxics.some((x) => x.name.startsWith('geolab_hold')),
      );
      expect(held).toHaveLength(2 * 7 + 2);
    } finally {
      await fabric.destroy();
      await server.close();
    }
  });
});

describe('a fault whose calls fail', () => {
  it('rejects once, with a FabricFaultError naming its id', async () => {
    const topology = load();
    const server = await startToxiproxyServer({ port: 0 });
    const upstreams = new Map(topology.nodes.map((n, i) => [n.id, `127.0.0.1:${40100 + i}`]));
    const fabric = await Fabric.create(topology, server.url, { upstreams });
    await fabric.destroy();
    await server.close();
    const failed: unknown = await fabric.partition(['eu-west-1']).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(FabricFaultError);
    expect((failed as FabricFaultError).id).toEqual(expect.any(Number));
    expect((failed as FabricFaultError).message).toMatch(/Toxiproxy at/);
  });
});
