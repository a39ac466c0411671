import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// `geolab up` as a user runs it: real processes, the embedded Toxiproxy, curl-like HTTP.
const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');

interface UpInfo {
  toxiproxy: string;
  nodes: { id: string; region: string; pid: number; port: number }[];
  clients: { region: string; node: string; url: string }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('geolab up', () => {
  const data = mkdtempSync(join(tmpdir(), 'geolab-up-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('starts 9 replicas of three-regions, serves writes and reads across regions, and Ctrl-C leaves nothing behind', async () => {
    const up = spawn(
      process.execPath,
      [
        cli,
        'up',
        'topologies/three-regions.yaml',
        '--mode',
        'single-copy',
        '--json',
        '--data',
        data,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    up.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)));
    try {
      const info = await new Promise<UpInfo>((resolve, reject) => {
        createInterface({ input: up.stdout }).on('line', (line) =>
          resolve(JSON.parse(line) as UpInfo),
        );
        void exited.then((code) =>
          reject(new Error(`geolab up exited ${String(code)}: ${stderr}`)),
        );
      });
      expect(info.nodes).toHaveLength(9);
      for (const n of info.nodes) expect(alive(n.pid)).toBe(true);

      const from = (region: string) => {
        const c = info.clients.find((x) => x.region === region && x.node.startsWith(region));
        if (!c) throw new Error(`no client proxy from ${region}`);
        return c.url;
      };
      const put = await fetch(`${from('eu-west-1')}/kv/greeting`, {
        method: 'PUT',
        body: '"hello"',
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ type: 'ok', value: 'hello' });
      const get = await fetch(`${from('ap-southeast-1')}/kv/greeting`);
      expect(await get.json()).toMatchObject({ type: 'ok', value: 'hello' });
      const cas = await fetch(`${from('us-east-1')}/kv/greeting/cas`, {
        method: 'POST',
        body: JSON.stringify({ expected: 'nope', new: 'x' }),
      });
      expect(cas.status).toBe(409);
      const status = await fetch(`${from('us-east-1')}/status`);
      expect(await status.json()).toMatchObject({ mode: 'single-copy', region: 'us-east-1' });

      up.kill('SIGINT');
      expect(await exited).toBe(0);
      const pids = info.nodes.map((n) => n.pid);
      expect(await waitFor(() => pids.every((pid) => !alive(pid)), 5000)).toBe(true);
    } finally {
      if (up.exitCode === null) up.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a port someone else holds as bad input: one line, exit 2, nothing left running', async () => {
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const port = (holder.address() as AddressInfo).port;
    const file = join(data, 'clash.yaml');
    writeFileSync(
      file,
      `regions:\n  - name: us-east-1\n    replicas: 1\nlatency: { preset: aws }\nreplication: { mode: single-copy }\nnetwork: { basePort: 0 }\ntoxiproxy: { port: ${port} }\n`,
    );
    try {
      const up = spawn(process.execPath, [cli, 'up', file, '--data', join(data, 'clash')], {
        cwd: root,
      });
      let stderr = '';
      up.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(up, 'exit')) as [number];
      expect(code).toBe(2);
      expect(stderr).toMatch(/address already in use \(another geolab up or Toxiproxy holds it/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  }, 30_000);

  it('leaves no replica behind when the orchestrator itself is killed', async () => {
    const up = spawn(
      process.execPath,
      [cli, 'up', 'topologies/single-copy.yaml', '--json', '--data', join(data, 'killed')],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const info = await new Promise<UpInfo>((resolve, reject) => {
      createInterface({ input: up.stdout }).on('line', (line) =>
        resolve(JSON.parse(line) as UpInfo),
      );
      up.on('exit', (code) => reject(new Error(`geolab up exited ${String(code)}`)));
    });
    up.kill('SIGKILL');
    const pids = info.nodes.map((n) => n.pid);
    expect(await waitFor(() => pids.every((pid) => !alive(pid)), 5000)).toBe(true);
  }, 60_000);
});
