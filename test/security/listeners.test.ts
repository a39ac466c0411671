/**
 * Issue 11, checked on a running lab rather than by reading `listen(` calls: `geolab run
 * --dashboard --token T` on a small topology on free ports, then every TCP socket in LISTEN
 * state that the run's processes own (the orchestrator: Toxiproxy API, link proxies,
 * dashboard with /metrics; each replica: its HTTP and WebSocket port) is read from
 * /proc/net/tcp{,6} and must be bound to loopback. Then the token: it is printed once, in the
 * dashboard URL on stdout (the intended hand-over), and appears in no written output
 * (results.json, summary.md, report.html, history.jsonl, the replicas' data), on stderr or in
 * /metrics; and no environment variable's value leaks into the outputs either.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tcpSockets, withOwners } from '../../src/runtime/live/port-holders';
import { root } from '../cli/built-cli';

const TOKEN = 'tok-3a9f1c-do-not-leak';
const ENV_SECRET = 'env-7e21b4-do-not-leak';

const TOPOLOGY = `name: listeners
regions:
  - { name: us-east-1, replicas: 1 }
  - { name: eu-west-1, replicas: 1 }
latency: { preset: aws }
network: { basePort: 0 }
toxiproxy: { port: 0 }
dashboard: { port: 0 }
replication: { mode: leaderless, replicationFactor: 1, read: ONE, write: ONE }
workload: { rate: 20 }
`;

interface Listening {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

/** `pid` and its descendants, from /proc/<pid>/stat's ppid. */
function processTree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, ppid] of parent) if (ppid === tree[i]) tree.push(child);
  }
  return tree;
}

/** The LISTEN sockets that `pids` have open. */
function listenersOf(pids: readonly number[]): Listening[] {
  const listening = withOwners(tcpSockets().filter((s) => s.state === 'LISTEN'));
  return listening.flatMap(({ pid, address, port }) =>
    pid !== undefined && pids.includes(pid) ? [{ pid, address, port }] : [],
  );
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const linux = process.platform === 'linux';

(linux ? it : it.skip)(
  'binds every listener of a live run to loopback, and keeps the dashboard token out of every output',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geolab-listeners-'));
    const file = join(dir, 'listeners.yaml');
    writeFileSync(file, TOPOLOGY);
    const out = join(dir, 'run');
    const child = spawn(
      process.execPath,
      [
        join(root, 'dist', 'cli', 'main.js'),
        'run',
        file,
        '--duration',
        '2s',
        '--out',
        out,
        '--no-progress',
        '--dashboard',
        '--token',
        TOKEN,
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GEOLAB_TEST_SECRET: ENV_SECRET },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no dashboard URL: ${stderr}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /dashboard: (http:\/\/\S+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(new URL(m[1]));
          }
        });
        void exited.then((code) => reject(new Error(`geolab run exited ${code}: ${stderr}`)));
      });
      const pid = child.pid ?? 0;
      const pids = processTree(pid);
      const listening = listenersOf(pids);

      // The orchestrator, and one replica process per node with its own listener.
      expect(pids.length).toBeGreaterThanOrEqual(3);
      const byPid = new Map<number, number>();
      for (const l of listening) byPid.set(l.pid, (byPid.get(l.pid) ?? 0) + 1);
      expect(byPid.size).toBe(3);
      // In the orchestrator: the Toxiproxy API, the dashboard, 2 peer and 4 client proxies.
      expect(byPid.get(pid)).toBeGreaterThanOrEqual(8);
      expect(listening.some((l) => l.port === Number(url.port))).toBe(true);
      const wide = listening.filter((l) => l.address !== '127.0.0.1' && l.address !== '::1');
      expect(wide).toEqual([]);

      // /metrics: only with the token, and without it in the text.
      const metrics = `${url.origin}/metrics`;
      expect((await fetch(metrics)).status).toBe(401);
      const scraped = await fetch(metrics, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).not.toContain(TOKEN);

      expect(await exited).toBe(0);
      // Printed exactly once: in the dashboard URL, the way the token is handed over.
      expect(stdout.split(TOKEN).length - 1).toBe(1);
      expect(stdout).toContain(`dashboard: ${url.origin}/?token=${TOKEN}`);
      expect(stderr).not.toContain(TOKEN);
      const written = filesUnder(out);
      for (const name of ['results.json', 'summary.md', 'report.html', 'history.jsonl']) {
        expect(written).toContain(join(out, name));
      }
      const leaks = written.filter((path) => {
        const text = readFileSync(path, 'latin1');
        return text.includes(TOKEN) || text.includes(ENV_SECRET);
      });
      expect(leaks).toEqual([]);
      expect(stdout + stderr).not.toContain(ENV_SECRET);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
  60_000,
);
