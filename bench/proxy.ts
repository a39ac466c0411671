/**
 * npm run bench:proxy — what the embedded Toxiproxy costs, measured side by side in one run:
 * round-trip latency of 1 KiB messages and bulk throughput, direct vs through a proxy with
 * no toxics (and through a real Toxiproxy when TOXIPROXY_URL is set), and the time to build
 * the fabric of a 27-node topology (≈ 900 proxies).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { Toxiproxy } from 'toxiproxy-node-client';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Fabric } from '../src/proxy/fabric';
import { parseTopology, rttMs } from '../src/topology';
import { aws } from '../src/topology/presets/aws';

const MESSAGE = Buffer.alloc(1024, 7);
const ROUND_TRIPS = Number(process.env.ROUND_TRIPS ?? 5000);
const BULK_BYTES = Number(process.env.BULK_MB ?? 512) * 1024 * 1024;

interface Target {
  name: string;
  host: string;
  port: number;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

/** Echo server for round trips; a sink that answers with the byte count for throughput. */
function echoServer(): Server {
  return createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
}

function sinkServer(): Server {
  return createServer((s) => {
    s.on('error', () => undefined);
    let n = 0;
    s.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n >= BULK_BYTES) s.end('done');
    });
  });
}

async function dial(t: Target): Promise<Socket> {
  const s = connect(t.port, t.host);
  s.setNoDelay(true);
  await once(s, 'connect');
  return s;
}

async function roundTrips(t: Target, count = ROUND_TRIPS): Promise<number[]> {
  const s = await dial(t);
  const samples: number[] = [];
  let pending = 0;
  let resolveOne: (() => void) | undefined;
  s.on('data', (chunk: Buffer) => {
    pending -= chunk.length;
    if (pending <= 0 && resolveOne) resolveOne();
  });
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    pending = MESSAGE.length;
    await new Promise<void>((resolve) => {
      resolveOne = resolve;
      s.write(MESSAGE);
    });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  s.destroy();
  return samples.sort((a, b) => a - b);
}

async function throughput(t: Target): Promise<number> {
  const s = await dial(t);
  const chunk = Buffer.alloc(64 * 1024, 1);
  const start = process.hrtime.bigint();
  const done = once(s, 'data');
  for (let sent = 0; sent < BULK_BYTES; sent += chunk.length) {
    if (!s.write(chunk)) await once(s, 'drain');
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  s.destroy();
  return BULK_BYTES / 1e6 / seconds;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const f = (x: number, digits = 3) => x.toFixed(digits);

async function proxied(url: string, name: string, upstreamPort: number): Promise<Target> {
  const client = new Toxiproxy(url);
  const existing = await client.getAll();
  if (name in existing) await existing[name].remove();
  const proxy = await client.createProxy({
    name,
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${upstreamPort}`,
  });
  const port = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
  return { name, host: '127.0.0.1', port };
}

/** 27 nodes over the aws preset's seven regions: 4 in each but the last, which has 3. */
function fabricTopology(): string {
  const regions = aws.regions;
  const sizes = regions.map((_, i) => (i < regions.length - 1 ? 4 : 3));
  return [
    'regions:',
    ...regions.flatMap((r, i) => [`  - name: ${r}`, `    replicas: ${sizes[i]}`]),
    'latency: { preset: aws, jitter: 1ms }',
    'network: { basePort: 17100 }',
    'replication: { mode: single-leader }',
  ].join('\n');
}

/** `geolab toxiproxy --port 0` as a child process; its URL is on its first line. */
async function startToxiproxyProcess(): Promise<{ url: string; close: () => Promise<void> }> {
  const cli = join(__dirname, '..', 'dist', 'cli', 'main.js');
  const child = spawn(process.execPath, [cli, 'toxiproxy', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const url = /http:\/\/[^ ]+/.exec(line)?.[0];
  if (!url) throw new Error(`geolab toxiproxy said: ${line}`);
  return {
    url,
    close: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const echo = echoServer();
  const sink = sinkServer();
  const echoPort = await listen(echo);
  const sinkPort = await listen(sink);
  // The embedded proxy runs in its own process, as under `geolab up` and as a real
  // Toxiproxy does: in this one it would share an event loop with the sender and the sink.
  const embedded = await startToxiproxyProcess();

  const echoTargets: Target[] = [
    { name: 'direct', host: '127.0.0.1', port: echoPort },
    await proxied(embedded.url, 'bench_echo', echoPort),
  ];
  const sinkTargets: Target[] = [
    { name: 'direct', host: '127.0.0.1', port: sinkPort },
    await proxied(embedded.url, 'bench_sink', sinkPort),
  ];
  echoTargets[1].name = sinkTargets[1].name = 'embedded';
  const real = process.env.TOXIPROXY_URL;
  if (real) {
    echoTargets.push({ ...(await proxied(real, 'geolab_bench_echo', echoPort)), name: 'real' });
    sinkTargets.push({ ...(await proxied(real, 'geolab_bench_sink', sinkPort)), name: 'real' });
  }

  console.log(`round trips of ${MESSAGE.length} B messages, ${ROUND_TRIPS} each (ms)`);
  console.log('path       p50     p99     max   added p50  added p99');
  const rtts = new Map<string, number[]>();
  for (const t of echoTargets) rtts.set(t.name, await roundTrips(t));
  const direct = rtts.get('direct') ?? [];
  for (const [name, s] of rtts) {
    console.log(
      `${name.padEnd(9)} ${f(pct(s, 0.5)).padStart(6)}  ${f(pct(s, 0.99)).padStart(6)}  ${f(s[s.length - 1]).padStart(6)}   ${f(pct(s, 0.5) - pct(direct, 0.5)).padStart(8)}  ${f(pct(s, 0.99) - pct(direct, 0.99)).padStart(8)}`,
    );
  }

  console.log(`\nthroughput, ${BULK_BYTES / 1024 / 1024} MiB one way (MB/s)`);
  console.log('(direct: sender and sink share this process; proxied, the proxy has its own)');
  const rates = new Map<string, number>();
  for (const t of sinkTargets) rates.set(t.name, await throughput(t));
  for (const [name, r] of rates) console.log(`${name.padEnd(9)} ${f(r, 0).padStart(6)}`);

  const d50 = pct(direct, 0.5);
  const e50 = pct(rtts.get('embedded') ?? [], 0.5);
  console.log('\nratios');
  console.log(`embedded/direct round trip p50: ${f(e50 / d50, 2)}`);
  console.log(
    `embedded/direct throughput:     ${f((rates.get('embedded') ?? 0) / (rates.get('direct') ?? 1), 2)}`,
  );
  if (real) {
    console.log(`embedded/real round trip p50:   ${f(e50 / pct(rtts.get('real') ?? [], 0.5), 2)}`);
    console.log(
      `embedded/real throughput:       ${f((rates.get('embedded') ?? 0) / (rates.get('real') ?? 1), 2)}`,
    );
  }

  const parsed = parseTopology(fabricTopology(), 'bench-27-nodes.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const start = process.hrtime.bigint();
  const fabric = await Fabric.create(parsed.topology, embedded.url);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `\nfabric of ${parsed.topology.nodes.length} nodes: ${fabric.proxies().length} proxies with latency toxics created in ${f(seconds, 2)} s`,
  );
  await fabric.destroy();

  await fabricAccuracy(embedded.url, echoPort);

  await embedded.close();
  echo.close();
  sink.close();
}

/**
 * Measured RTT through a 3-region fabric (one echo server standing in for every node) next
 * to the topology's matrix: the fabric's accuracy, which DESIGN §6 asks reports to show.
 */
async function fabricAccuracy(url: string, echoPort: number): Promise<void> {
  const parsed = parseTopology(
    [
      'regions:',
      '  - { name: us-east-1, replicas: [use1-a, use1-b] }',
      '  - { name: eu-west-1, replicas: [euw1-a, euw1-b] }',
      '  - { name: ap-southeast-1, replicas: [apse1-a] }',
      'latency: { preset: aws }',
      'replication: { mode: single-copy }',
    ].join('\n'),
    'bench-3-regions.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const t = parsed.topology;
  const upstreams = new Map(t.nodes.map((n) => [n.id, `127.0.0.1:${echoPort}`]));
  const fabric = await Fabric.create(t, url, { upstreams });
  const pairs: [string, string, string, string][] = [
    ['use1-a', 'use1-b', 'us-east-1', 'us-east-1'],
    ['euw1-a', 'euw1-b', 'eu-west-1', 'eu-west-1'],
    ['use1-a', 'euw1-a', 'us-east-1', 'eu-west-1'],
    ['euw1-a', 'apse1-a', 'eu-west-1', 'ap-southeast-1'],
    ['apse1-a', 'use1-a', 'ap-southeast-1', 'us-east-1'],
  ];
  console.log('\nfabric RTT, measured (median of 20) vs the topology (ms)');
  for (const [from, to, a, b] of pairs) {
    const at = fabric.address(from, to);
    const samples = await roundTrips({ name: from, host: at.host, port: at.port }, 20);
    const want = rttMs(t.latency, a, b);
    const got = pct(samples, 0.5);
    console.log(
      `${`${a} → ${b}`.padEnd(30)} topology ${f(want, 1).padStart(6)}  measured ${f(got, 2).padStart(7)}  error ${f(got - want, 2).padStart(6)}`,
    );
  }
  await fabric.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
