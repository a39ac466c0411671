import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Rng } from '../../core/random';
import { replicasUsing } from './leftovers';
import { heldPorts, type HeldPort } from './port-holders';
import { alive } from './process-check';

/**
 * Crash safety of `geolab up` itself: start it, write keys through a client proxy, `kill -9`
 * it at a random moment, and check that no replica outlives it (they hold its pipe on stdin
 * and stop when the pipe closes), that every port it held is free again, and that `geolab up`
 * on the same data directory starts and still serves every write acknowledged before the
 * crash. Used by `npm run bench:crash-orchestrator` (50 runs) and a jest test (3 runs).
 */

/** Three regions, one Raft replica each, on free ports: small enough to start in a second. */
export const CRASH_TOPOLOGY = `name: crash-orchestrator
regions:
  - { name: us-east-1, replicas: 1 }
  - { name: eu-west-1, replicas: 1 }
  - { name: ap-southeast-1, replicas: 1 }
latency: { preset: aws, jitter: 1ms }
network: { basePort: 0 }
toxiproxy: { port: 0 }
replication:
  mode: single-leader
  protocol: raft
  leaderRegion: us-east-1
  reads: read-index
`;

/** Write CRASH_TOPOLOGY into `dir`; returns the file's path. */
export function writeCrashTopology(dir: string): string {
  const file = join(dir, 'crash-orchestrator.yaml');
  writeFileSync(file, CRASH_TOPOLOGY);
  return file;
}

/** What `geolab up --json` prints once up. */
export interface UpInfo {
  readonly toxiproxy: string;
  readonly nodes: readonly { id: string; region: string; pid: number; port: number }[];
  readonly clients: readonly { region: string; node: string; url: string }[];
}

export interface CrashRun {
  /** When, after `up` printed its endpoints, the orchestrator got SIGKILL. */
  readonly killAfterMs: number;
  /** Writes acknowledged (200) before the kill. */
  readonly acked: number;
  /** Replica processes still alive `boundMs` after the kill (pid and command line). */
  readonly survivors: readonly string[];
  /** How long until the last replica was gone. */
  readonly goneAfterMs: number;
  /** Ports (Toxiproxy API, proxies, replicas) not free once the replicas are gone, and by whom. */
  readonly heldPorts: readonly HeldPort[];
  /** Why the second `geolab up` failed, if it did (did not start, lost a write, left a process). */
  readonly restartFailure?: string;
}

export interface CrashRunOptions {
  readonly cli: string;
  readonly topologyFile: string;
  readonly dataDir: string;
  readonly rng: Rng;
  /** The kill comes uniformly in [0, maxKillMs) after up. */
  readonly maxKillMs?: number;
  /** How long the replicas and ports have to be gone after the kill. */
  readonly boundMs?: number;
}

/** One run: up, writes, kill -9 at a random moment, check nothing survives, up again, read. */
export async function crashRun(options: CrashRunOptions): Promise<CrashRun> {
  const boundMs = options.boundMs ?? 5000;
  const killAfterMs = options.rng.below(options.maxKillMs ?? 3000);
  const first = await startUp(options.cli, options.topologyFile, options.dataDir);
  const upAt = performance.now();
  const writeUrl = clientUrl(first.info, 'us-east-1');
  const acked = new Map<string, number>();
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const key = `k${i % 8}`;
      const ok = await putOnce(`${writeUrl}/kv/${key}`, i);
      if (ok) acked.set(key, i);
      else await sleep(50);
    }
  })();
  await sleep(Math.max(0, killAfterMs - (performance.now() - upAt)));
  first.proc.kill('SIGKILL');
  const killedAt = performance.now();
  writing = false;
  await first.exited;
  await writer;
  const ackedNow = new Map(acked);

  const pids = first.info.nodes.map((n) => n.pid);
  const ports = [
    Number(new URL(first.info.toxiproxy).port),
    ...first.info.clients.map((c) => Number(new URL(c.url).port)),
    ...first.info.nodes.map((n) => n.port),
  ];
  await waitFor(
    () => pids.every((pid) => !alive(pid)) && leftover(options.dataDir).length === 0,
    boundMs,
  );
  const goneAfterMs = performance.now() - killedAt;
  const survivors = leftover(options.dataDir);
  const held = await heldPorts(ports);
  if (survivors.length > 0) {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    return { killAfterMs, acked: ackedNow.size, survivors, goneAfterMs, heldPorts: held };
  }

  let restartFailure: string | undefined;
  let second: Started | undefined;
  try {
    second = await startUp(options.cli, options.topologyFile, options.dataDir);
    const readUrl = clientUrl(second.info, 'us-east-1');
    for (const [key, value] of ackedNow) {
      const got = await readWithin(`${readUrl}/kv/${key}`, 10_000);
      // A write acknowledged before the crash, or a later one that was in flight: never older.
      if (typeof got !== 'number' || got < value) {
        restartFailure = `read ${key} = ${JSON.stringify(got)} after restart, acknowledged ${value} before`;
        break;
      }
    }
  } catch (err) {
    restartFailure = (err as Error).message;
  }
  if (second) {
    second.proc.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      second.exited,
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000))),
    ]);
    clearTimeout(timer);
    if (code !== 0 && restartFailure === undefined) {
      restartFailure = `the second geolab up did not stop cleanly on SIGINT (${String(code)})`;
    }
    if (second.proc.exitCode === null) second.proc.kill('SIGKILL');
    await waitFor(() => leftover(options.dataDir).length === 0, boundMs);
    const left = leftover(options.dataDir);
    if (left.length > 0 && restartFailure === undefined) {
      restartFailure = `left behind after SIGINT: ${left.join('; ')}`;
    }
  }
  return {
    killAfterMs,
    acked: ackedNow.size,
    survivors,
    goneAfterMs,
    heldPorts: held,
    ...(restartFailure === undefined ? {} : { restartFailure }),
  };
}

interface Started {
  readonly proc: ChildProcess;
  readonly info: UpInfo;
  /** The exit code (or signal name) once it has exited. */
  readonly exited: Promise<number | string>;
}

async function startUp(cli: string, topologyFile: string, dataDir: string): Promise<Started> {
  const proc = spawn(process.execPath, [cli, 'up', topologyFile, '--json', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const info = await new Promise<UpInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`geolab up did not print its endpoints within 30 s: ${stderr}`));
    }, 30_000);
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as UpInfo);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`geolab up exited (${String(code)}) before it was up: ${stderr}`));
    });
  });
  return { proc, info, exited };
}

function clientUrl(info: UpInfo, region: string): string {
  const c = info.clients.find((x) => x.region === region && x.node.startsWith(region));
  if (!c) throw new Error(`no client proxy from ${region} to a replica there`);
  return c.url;
}

async function putOnce(url: string, value: number): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'PUT',
      body: JSON.stringify(value),
      signal: AbortSignal.timeout(2000),
    });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function readWithin(url: string, ms: number): Promise<unknown> {
  const deadline = performance.now() + ms;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { type?: string; value?: unknown };
      if (res.status === 200 && body.type === 'ok') return body.value;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`could not read ${url} within ${ms} ms after restart (${last})`);
}

/** Processes whose command line names `dataDir` (the replicas get `--data dataDir/<id>`). */
export function leftover(dataDir: string): string[] {
  return replicasUsing(dataDir).map((p) => `${p.pid} ${p.command}`);
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
