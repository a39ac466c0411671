/** `geolab toxiproxy`: serve, populate from --config, refuse bad input, stop on signals. */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { InputError } from '../../../src/cli/errors';
import { toxiproxyCommand } from '../../../src/cli/toxiproxy';

const root = join(__dirname, '..', '..', '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'geolab-toxiproxy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const run = (args: string[]): Promise<void> =>
  toxiproxyCommand()
    .exitOverride()
    .parseAsync(args, { from: 'user' })
    .then(() => undefined);

describe('bad input is an InputError (one line, exit code 2 through main)', () => {
  it.each([
    [['--port', 'http'], '--port must be an integer from 0 to 65535, got "http"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [
      ['--port', '0', '--config', '/nonexistent/proxies.json'],
      'cannot read /nonexistent/proxies.json: ENOENT',
    ],
  ])('%j', async (args, message) => {
    await expect(run(args)).rejects.toThrow(new InputError(message));
  });

  it('a config that is not JSON, or not proxies, names the file and the mistake', async () => {
    const notJson = file('bad.json', '{');
    await expect(run(['--port', '0', '--config', notJson])).rejects.toThrow(
      new RegExp(`^${notJson}: not JSON: `),
    );
    const noName = file('noname.json', JSON.stringify([{ upstream: '127.0.0.1:1' }]));
    await expect(run(['--port', '0', '--config', noName])).rejects.toThrow(
      `${noName}: missing required field: name at proxy 1`,
    );
    const notArray = file('object.json', '{"name":"x"}');
    await expect(run(['--port', '0', '--config', notArray])).rejects.toBeInstanceOf(InputError);
  });

  it('a taken API port', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(run(['--port', String(port)])).rejects.toThrow(
        `cannot start: listen tcp 127.0.0.1:${port}: bind: address already in use`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

/** Starts the command in a child process and waits for its "on http://…" line. */
async function serve(
  args: string[],
): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), join(__dirname, 'run-toxiproxy.ts'), ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/\S+) /.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url, out: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('serving', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves the config proxies, then %s closes every listener and exits 0',
    async (signal) => {
      const config = file(
        'proxies.json',
        JSON.stringify([
          { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
          { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:2', enabled: false },
        ]),
      );
      const { child, url, out } = await serve(['--port', '0', '--config', config]);
      const proxies = await new Toxiproxy(url).getAll();
      expect(Object.keys(proxies)).toEqual(['a', 'b']);
      expect(proxies.b?.enabled).toBe(false);
      child.kill(signal);
      expect(await exited(child)).toBe(0);
      expect(out()).toContain(`${signal}: closed every listener`);
      await expect(fetch(`${url}/version`)).rejects.toThrow();
    },
    30_000,
  );

  it('exits 2 with one line on stderr for bad input', async () => {
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(__dirname, 'run-toxiproxy.ts'), '--port', 'x'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(child)).toBe(2);
    expect(err).toBe('geolab: --port must be an integer from 0 to 65535, got "x"\n');
  }, 30_000);
});
