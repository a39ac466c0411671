/**
 * npm run bench:write-at-one — where a leaderless write at ONE spends the time a read at ONE
 * does not. Two live clusters, one after the other, leaderless with journals on tmpfs:
 * `six`, test/fixtures/topologies/leaderless-20ms.yaml (us-east-1 and eu-west-1 × three
 * replicas, three copies of each key per region, 20 ms RTT inside a region; the live latency
 * test's), and `one`, single-replica.yaml there (no peer, 20 ms RTT to its clients). For each,
 * the median of N (default 41) PUTs and GETs at ONE on one keep-alive socket, through the
 * us-east-1 client proxy and straight to the replica, and PUTs whose head and body go in one
 * write against two. Needs `npm run build` (the replicas run dist/cli/main.js).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../src/runtime/live/cluster';
import { onFreePorts } from '../src/runtime/live/raft-failover';

const N = Number(process.env.N ?? 41);

/** The topologies, shared with the tests that use them. */
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'topologies');
const SHAPES: Record<string, string> = {
  six: join(FIXTURES, 'leaderless-20ms.yaml'),
  one: join(FIXTURES, 'single-replica.yaml'),
};

/** One HTTP/1.1 request on `socket`; `split` writes the head and the body separately. */
function call(socket: Socket, method: string, path: string, body: string, split: boolean) {
  return new Promise<number>((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString();
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got.slice(0, end))?.[1] ?? 0);
      if (got.length < end + 4 + length) return;
      socket.off('data', onData);
      const status = Number(got.slice(9, 12));
      if (status === 200) resolve(status);
      else reject(new Error(`${method} ${path}: HTTP ${status}`));
    };
    socket.on('data', onData);
    const head = `${method} ${path} HTTP/1.1\r\nHost: bench\r\nContent-Length: ${body.length}\r\n\r\n`;
    if (split && body.length > 0) {
      socket.write(head);
      setImmediate(() => socket.write(body));
    } else socket.write(head + body);
  });
}

async function medianMs(
  at: { host: string; port: number },
  method: 'GET' | 'PUT',
  split: boolean,
): Promise<number> {
  const socket = connect(at.port, at.host);
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const path = '/kv/bench?consistency=ONE';
  try {
    await call(socket, 'PUT', path, '0', false); // the key exists before the first GET
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const started = performance.now();
      await call(socket, method, path, method === 'PUT' ? String(i + 1) : '', split);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(N / 2)] ?? NaN;
  } finally {
    socket.destroy();
  }
}

async function measure(shape: string, source: string): Promise<void> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-one-'));
  const { file, topology } = onFreePorts(source, dir);
  const cluster = new Cluster({
    topology,
    topologyFile: file,
    dataDir: join(dir, 'data'),
    log: () => undefined,
  });
  try {
    await cluster.start();
    const node = cluster.nodes().find((n) => n.id === 'use1-a');
    if (!node) throw new Error('no use1-a');
    const paths = {
      proxy: cluster.clientAddress('us-east-1', 'use1-a'),
      direct: { host: '127.0.0.1', port: node.port },
    };
    for (const [name, at] of Object.entries(paths)) {
      const put = await medianMs(at, 'PUT', false);
      const split = await medianMs(at, 'PUT', true);
      const get = await medianMs(at, 'GET', false);
      console.log(
        `${shape.padEnd(4)} ${name.padEnd(7)} PUT ${put.toFixed(2).padStart(6)} ms` +
          `  PUT in two writes ${split.toFixed(2).padStart(6)} ms  GET ${get.toFixed(2).padStart(6)} ms` +
          `  PUT/GET ${(put / get).toFixed(2)}`,
      );
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`medians of ${N}, at ONE, one keep-alive socket`);
  for (const [shape, source] of Object.entries(SHAPES)) await measure(shape, source);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
