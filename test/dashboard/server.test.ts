/**
 * The dashboard server's security defaults and its handling of bad frames, on the
 * simulator's session (fast, no processes): a token when one is required (HTTP 401, WebSocket
 * close 4401), the Origin check (403), loopback only without a token, and the CLI refusing
 * 0.0.0.0 without --token and leaving no process behind on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadTopologyFile } from '../../src/topology';
import { SimSession } from '../../src/dashboard/sim-session';
import {
  DashboardConfigError,
  startDashboardServer,
  type DashboardServer,
} from '../../src/dashboard/server';
import type { ServerFrame } from '../../src/dashboard/protocol';
import { geolab, root } from '../cli/built-cli';

const TOPOLOGY = join(root, 'topologies', 'three-regions.yaml');

function topology() {
  const loaded = loadTopologyFile(TOPOLOGY);
  if (!loaded.ok) throw new Error('three-regions.yaml does not load');
  return loaded.topology;
}

function post(
  port: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/control',
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Connects and resolves with how it ended: the upgrade's refusal status, or the frames and close code. */
function connect(
  url: string,
  origin: string | undefined,
  send?: string,
): Promise<{ status?: number; frames: ServerFrame[]; closeCode?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    const frames: ServerFrame[] = [];
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode, frames });
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      frames.push(f);
      if (f.type === 'state' && send !== undefined && !frames.some((x) => x.type === 'ack')) {
        ws.send(send);
      }
      if (f.type === 'ack' || (send === undefined && f.type === 'state')) ws.close();
    });
    ws.on('close', (code) => resolve({ frames, closeCode: code }));
  });
}

const heal = JSON.stringify({ type: 'control', id: 5, control: { type: 'heal' } });

describe('the dashboard server', () => {
  let session: SimSession;
  let server: DashboardServer | undefined;

  beforeEach(() => {
    session = new SimSession({ topology: topology(), seed: 1 });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await session.close();
  });

  it('refuses to bind anything but loopback without a token', async () => {
    await expect(startDashboardServer({ session, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      DashboardConfigError,
    );
  });

  it('answers 401 to control calls without the token, and acts with it', async () => {
    server = await startDashboardServer({ session, port: 0, token: 's3cret' });
    const { port } = server;
    expect((await post(port, heal)).status).toBe(401);
    expect((await post(port, heal, { authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await post(port, heal, { authorization: 'Bearer s3cret' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ type: 'ack', id: 5, ok: true });
    expect(server.url).toContain('?token=s3cret');
  });

  it('closes a WebSocket without the token with 4401, and serves one with it', async () => {
    server = await startDashboardServer({ session, port: 0, token: 's3cret' });
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    const without = await connect(ws, undefined);
    expect(without.closeCode).toBe(4401);
    expect(without.frames).toEqual([]);
    const wrong = await connect(`${ws}?token=nope`, undefined);
    expect(wrong.closeCode).toBe(4401);
    const right = await connect(`${ws}?token=s3cret`, undefined, heal);
    expect(right.frames[0]).toMatchObject({ type: 'hello', runtime: 'sim', clock: 'virtual' });
    expect(right.frames.find((f) => f.type === 'ack')).toEqual({ type: 'ack', id: 5, ok: true });
  });

  it('refuses a foreign Origin (403) and accepts its own', async () => {
    server = await startDashboardServer({ session, port: 0 });
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    expect((await connect(ws, 'http://evil.example')).status).toBe(403);
    expect((await connect(ws, `http://127.0.0.1:${server.port + 1}`)).status).toBe(403);
    const own = await connect(ws, `http://127.0.0.1:${server.port}`);
    expect(own.frames.map((f) => f.type)).toContain('hello');
    const byName = await connect(ws, `http://localhost:${server.port}`);
    expect(byName.frames.map((f) => f.type)).toContain('state');
    const post403 = await post(server.port, heal, { origin: 'http://evil.example' });
    expect(post403.status).toBe(403);
  });

  it('answers a bad frame with an ack that says why, and keeps serving', async () => {
    server = await startDashboardServer({ session, port: 0 });
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    const bad = await connect(
      ws,
      undefined,
      JSON.stringify({ type: 'control', id: 9, control: { type: 'kill', node: 42 } }),
    );
    expect(bad.frames.find((f) => f.type === 'ack')).toMatchObject({
      id: 9,
      ok: false,
      error: expect.stringMatching(/node/),
    });
    const unknown = await connect(
      ws,
      undefined,
      JSON.stringify({ type: 'control', id: 10, control: { type: 'kill', node: 'nobody' } }),
    );
    expect(unknown.frames.find((f) => f.type === 'ack')).toMatchObject({
      id: 10,
      ok: false,
      error: expect.stringMatching(/no replica nobody/),
    });
    const again = await connect(ws, undefined, heal);
    expect(again.frames.find((f) => f.type === 'ack')).toEqual({ type: 'ack', id: 5, ok: true });
  });

  it('closes a socket that sends an oversized frame (1009)', async () => {
    server = await startDashboardServer({ session, port: 0 });
    const big = JSON.stringify({
      type: 'control',
      id: 1,
      control: { type: 'heal', pad: 'x'.repeat(10_000) },
    });
    const res = await connect(`ws://127.0.0.1:${server.port}/ws`, undefined, big);
    expect(res.closeCode).toBe(1009);
    const overHttp = await post(server.port, big);
    expect(overHttp.status).toBe(413);
  });
});

describe('geolab … --dashboard', () => {
  it('refuses --host 0.0.0.0 without --token: one line, exit 2', async () => {
    const r = await geolab('sim', TOPOLOGY, '--dashboard', '--host', '0.0.0.0', '--port', '0');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--token/);
  });

  it('serves the page from geolab sim and stops on SIGINT, leaving no process behind', async () => {
    const child = spawn(
      process.execPath,
      [join(root, 'dist', 'cli', 'main.js'), 'sim', TOPOLOGY, '--dashboard', '--port', '0'],
      { cwd: root },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = once(child, 'exit');
    const deadline = Date.now() + 15_000;
    while (!/dashboard: (http:\S+)/.test(out) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /dashboard: (http:\S+)/.exec(out)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    const html = await page.text();
    expect(html).toContain('<link rel="icon" href="data:,">'.replace('">', '" />'));
    expect(html).toContain('src="app.js"');
    expect((await fetch(`${url}app.js`)).status).toBe(200);
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(() => process.kill(child.pid ?? 0, 0)).toThrow();
  });
});
