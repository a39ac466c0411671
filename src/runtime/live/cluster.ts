import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { Fabric } from '../../proxy/fabric';
import { clientEndpointName, dialAddress, proxyName } from '../../proxy/links';
import { startToxiproxyServer, type ProxyTraffic, type ToxiproxyServer } from '../../proxy/server';
import type { Topology } from '../../topology';
import { onBoundedLines } from './bounded-lines';
import { killLeftovers } from './leftovers';

/**
 * The live orchestrator behind `geolab up`: the Toxiproxy (embedded unless a URL is given),
 * one `geolab node` process per replica, and the fabric between them. Children hold a pipe on
 * stdin and exit when it closes, so even a killed orchestrator leaves no replica behind;
 * `stop()` asks each child to stop (SIGTERM), then kills what is left.
 */
export interface ClusterOptions {
  readonly topology: Topology;
  /** The topology file, passed to the children (with --mode when given). */
  readonly topologyFile: string;
  readonly mode?: string;
  /** A real Toxiproxy's URL; default: start the embedded one on the topology's port. */
  readonly toxiproxyUrl?: string;
  readonly dataDir: string;
  readonly log: (message: string) => void;
  /**
   * Called with each event a child reports (role, leader, commit, conflict, metric: see
   * node-process.ts), as unchecked JSON.
   */
  readonly onEvent?: (node: string, event: unknown) => void;
  /** How long to wait for every replica to listen and link up (default: defaultStartTimeoutMs). */
  readonly startTimeoutMs?: number;
}

export interface ClusterNode {
  readonly id: string;
  readonly region: string;
  readonly pid: number;
  readonly port: number;
}

interface Child {
  readonly id: string;
  readonly process: ChildProcess;
  /** Resolves once the process has exited (at once if it already has). */
  readonly exit: Promise<void>;
  port?: number;
  linked: boolean;
  exited: boolean;
  /** Killed on purpose by `kill()`: its exit is expected, not news. */
  killed: boolean;
}

/**
 * How long a cluster of `replicas` may take to listen, and then to link up. Each replica
 * process costs about 0.9 s of CPU to start (loading the CLI, compiling the topology schema)
 * and they all start at once: 27 on this 2-core machine, under other work, took 32 s to all
 * listen, past the flat 30 s this used to be (docs/reliability/scale.md). So 3 s per replica,
 * and never under 30 s.
 */
export function defaultStartTimeoutMs(replicas: number): number {
  return Math.max(30_000, 3_000 * replicas);
}

/** The built CLI: from dist/runtime/live, or from src/runtime/live when run under ts-jest. */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli', 'main.js');
/**
 * The longest line a replica may write on stdout or stderr: its reports (`listening`,
 * `linked`, events) and log lines are far shorter, and a client value it might quote is at
 * most one frame (DEFAULT_MAX_FRAME_BYTES, 1 MiB), twice that once JSON-escaped.
 */
export const MAX_CHILD_LINE_BYTES = 4 * 1024 * 1024;
/** A replica's GET /status: per peer a link and an RTT, some 20 KiB at 108 replicas. */
const MAX_STATUS_BYTES = 1024 * 1024;

export class Cluster {
  private toxiproxy: ToxiproxyServer | undefined;
  private fabricValue: Fabric | undefined;
  private readonly children = new Map<string, Child>();
  private stopping = false;

  constructor(private readonly options: ClusterOptions) {}

  get fabric(): Fabric {
    if (!this.fabricValue) throw new Error('the cluster is not up');
    return this.fabricValue;
  }

  get toxiproxyUrl(): string {
    return this.options.toxiproxyUrl ?? this.toxiproxy?.url ?? '';
  }

  /**
   * Bytes each proxy forwarded, for `/metrics`; undefined with an external Toxiproxy, whose
   * API does not report traffic.
   */
  proxyTraffic(): ProxyTraffic[] | undefined {
    return this.toxiproxy?.traffic();
  }

  /** Start everything; resolves once every replica listens and every peer link is open. */
  async start(): Promise<ClusterNode[]> {
    const { topology } = this.options;
    killLeftovers(this.options.dataDir, this.options.log);
    if (!this.options.toxiproxyUrl) {
      this.toxiproxy = await startToxiproxyServer({
        host: topology.toxiproxy.host,
        port: topology.toxiproxy.port,
      });
    }
    const listening = topology.nodes.map((n) => this.spawnNode(n.id));
    const timeout = this.options.startTimeoutMs ?? defaultStartTimeoutMs(topology.nodes.length);
    await withTimeout(Promise.all(listening), timeout, 'replicas did not all start listening');
    const upstreams = new Map(
      topology.nodes.map((n) => [n.id, `${n.host}:${this.children.get(n.id)?.port ?? 0}`]),
    );
    this.fabricValue = await Fabric.create(topology, this.toxiproxyUrl, { upstreams });
    await withTimeout(this.allLinked(), timeout, 'replicas did not all link up through the fabric');
    return this.nodes();
  }

  /** Every replica as it is now: a restarted one has a new pid and port. */
  nodes(): ClusterNode[] {
    return this.options.topology.nodes.map((n) => ({
      id: n.id,
      region: n.region,
      pid: this.children.get(n.id)?.process.pid ?? 0,
      port: this.children.get(n.id)?.port ?? 0,
    }));
  }

  /** Whether a replica's process is running (it may have been killed, or crashed). */
  isRunning(id: string): boolean {
    const child = this.children.get(id);
    return child !== undefined && !child.exited;
  }

  /**
   * Send `signal` to one replica's process (`kill -9` by default: a crash, no goodbye) and
   * resolve once it has exited. Its storage stays, for `restartNode`.
   */
  async kill(id: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(id);
    if (!child) throw new RangeError(`no replica ${id} in this cluster`);
    if (child.exited) return;
    child.killed = true;
    child.process.kill(signal);
    await child.exit;
  }

  /**
   * Start a replica that has exited again, over the same data directory (a crash-restart).
   * It listens on a fresh port, so every proxy leading to it is re-pointed there (keeping its
   * toxics and whether it is enabled). Resolves once it listens, has dialled every peer, and
   * every running peer has dialled it again (peers redial with back-off, up to 2 s apart);
   * with `linked: false`, as soon as it listens and its proxies lead to it (for a replica that
   * restarts behind a partition, whose links cannot open).
   */
  async restartNode(id: string, options: { linked?: boolean } = {}): Promise<ClusterNode> {
    const child = this.children.get(id);
    if (!child) throw new RangeError(`no replica ${id} in this cluster`);
    if (!child.exited) throw new Error(`replica ${id} is still running: kill it first`);
    if (this.stopping) throw new Error('the cluster is stopping');
    const timeout = this.options.startTimeoutMs ?? 30_000;
    const deadline = performance.now() + timeout;
    const listening = this.spawnNode(id);
    const restarted = this.children.get(id);
    if (!restarted) throw new Error(`replica ${id} did not spawn`);
    try {
      await withTimeout(listening, timeout, `replica ${id} did not listen again`);
      if (this.stopping) throw new Error('the cluster is stopping');
    } catch (err) {
      // A replica that did not come up, or came up while stop() ran (which did not know
      // of it), is stopped here: nothing is left behind.
      await stopChild(restarted, 0);
      throw err;
    }
    const node = this.options.topology.nodes.find((n) => n.id === id);
    if (!node || restarted.port === undefined) throw new Error(`replica ${id} has no port`);
    await this.repoint(id, `${node.host}:${restarted.port}`);
    const [own, peers] =
      options.linked === false
        ? [true, true]
        : await Promise.all([this.linked(restarted, deadline), this.peersLinkedTo(id, deadline)]);
    if (!own || !peers) {
      throw new Error(
        `replica ${id} did not link up again through the fabric within ${timeout} ms`,
      );
    }
    const now = this.nodes().find((n) => n.id === id);
    if (!now) throw new Error(`replica ${id} vanished`);
    return now;
  }

  /**
   * Step a running replica's clock by `ms` (a clock-skew fault), through its stdin control
   * channel. Throws for a replica that is not running.
   */
  skewClock(id: string, ms: number): void {
    const child = this.children.get(id);
    if (!child || child.exited) throw new Error(`replica ${id} is not running`);
    child.process.stdin?.write(`${JSON.stringify({ kind: 'skew-clock', ms })}\n`);
  }

  /** Where clients of `region` reach `node`: its client proxy. */
  clientAddress(region: string, node: string): { host: string; port: number } {
    return this.fabric.address(clientEndpointName(region), node);
  }

  /** Stop every replica (SIGTERM, then SIGKILL after `graceMs`), the fabric and the proxy. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all([...this.children.values()].map((c) => stopChild(c, graceMs)));
    if (this.fabricValue) await this.fabricValue.destroy().catch(() => undefined);
    await this.toxiproxy?.close();
  }

  private spawnNode(id: string): Promise<void> {
    const args = [
      CLI,
      'node',
      '--topology',
      this.options.topologyFile,
      '--id',
      id,
      '--toxiproxy',
      this.toxiproxyUrl,
      '--data',
      join(this.options.dataDir, id),
      '--exit-with-stdin',
      ...(this.options.mode ? ['--mode', this.options.mode] : []),
    ];
    // GEOLAB_REPLICA_NODE_ARGS: node flags for the replicas alone, e.g. `--cpu-prof
    // --cpu-prof-dir=/tmp/prof` to profile them (node refuses --cpu-prof in NODE_OPTIONS).
    const nodeArgs = (process.env.GEOLAB_REPLICA_NODE_ARGS ?? '')
      .split(' ')
      .filter((a) => a !== '');
    const proc = spawn(process.execPath, [...nodeArgs, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const child: Child = { id, process: proc, exit, linked: false, exited: false, killed: false };
    this.children.set(id, child);
    const overlong = (what: string) => (bytes: number) =>
      this.options.log(
        `[${id}] dropped a ${what} line of ${bytes} bytes (the limit is ${MAX_CHILD_LINE_BYTES})`,
      );
    onBoundedLines(
      proc.stderr,
      MAX_CHILD_LINE_BYTES,
      (line) => this.options.log(line),
      overlong('stderr'),
    );
    return new Promise((resolve, reject) => {
      proc.on('exit', (code, signal) => {
        child.exited = true;
        const how = signal ?? `code ${String(code)}`;
        if (child.port === undefined) {
          // It said why on stderr; its exit code 2 (bad input) is passed on to `geolab up`.
          reject(
            Object.assign(new Error(`replica ${id} could not start (exit ${how})`), {
              exitCode: code,
            }),
          );
        } else if (child.killed) {
          this.options.log(`replica ${id} killed (${how})`);
        } else if (!this.stopping) {
          this.options.log(`replica ${id} exited (${how})`);
        }
      });
      onBoundedLines(
        proc.stdout,
        MAX_CHILD_LINE_BYTES,
        (line) => {
          let msg: { kind?: string; port?: number; event?: unknown };
          try {
            msg = JSON.parse(line) as typeof msg;
          } catch {
            this.options.log(`[${id}] ${line}`);
            return;
          }
          if (msg.kind === 'listening' && typeof msg.port === 'number') {
            child.port = msg.port;
            resolve();
          } else if (msg.kind === 'linked') {
            child.linked = true;
          } else if (msg.kind === 'event') {
            this.options.onEvent?.(id, msg.event);
          }
        },
        overlong('stdout'),
      );
    });
  }

  /**
   * Point every proxy that leads to replica `id` at `upstream` (host:port). The update names
   * only `upstream`, so a proxy keeps its listen address, its toxics and whether it is enabled
   * (Toxiproxy, and the embedded server, keep what an update leaves out).
   */
  private async repoint(id: string, upstream: string): Promise<void> {
    const url = this.toxiproxyUrl.replace(/\/+$/, '');
    const api = new Toxiproxy(url).getApi();
    const { topology } = this.options;
    const from = [
      ...topology.nodes.filter((n) => n.id !== id).map((n) => n.id),
      ...topology.regions.map((r) => clientEndpointName(r.name)),
    ];
    const all = new Set(this.fabric.proxies());
    const names = from.map((f) => proxyName(f, id)).filter((name) => all.has(name));
    await Promise.all(
      names.map((name) => api.post(`${url}/proxies/${encodeURIComponent(name)}`, { upstream })),
    );
  }

  /** Polls until `child` has dialled every peer (true), or exited or `deadline` passed (false). */
  private async linked(child: Child, deadline: number): Promise<boolean> {
    while (!child.linked) {
      if (child.exited || this.stopping || performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  /** Polls until every running peer's own link to `id` is open (true), or `deadline` (false). */
  private async peersLinkedTo(id: string, deadline: number): Promise<boolean> {
    while (performance.now() < deadline && !this.stopping) {
      const peers = [...this.children.values()].filter((c) => c.id !== id && !c.exited);
      const open = await Promise.all(peers.map((c) => this.linkOpen(c, id)));
      if (open.every(Boolean)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  /** Whether `peer` says its link to `to` is open: asked directly, not through the fabric. */
  private linkOpen(peer: Child, to: string): Promise<boolean> {
    const node = this.options.topology.nodes.find((n) => n.id === peer.id);
    if (!node || peer.port === undefined) return Promise.resolve(false);
    const { host } = dialAddress(`${node.host}:${peer.port}`);
    return new Promise((resolve) => {
      const req = get({ host, port: peer.port, path: '/status', timeout: 1000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          // A status is a few hundred bytes; more is not a replica's, and is not read.
          if (body.length > MAX_STATUS_BYTES) req.destroy();
        });
        res.on('end', () => {
          try {
            const status = JSON.parse(body) as { links?: Record<string, { open?: unknown }> };
            resolve(status.links?.[to]?.open === true);
          } catch {
            resolve(false);
          }
        });
        res.on('error', () => resolve(false));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  }

  private async allLinked(): Promise<void> {
    while ([...this.children.values()].some((c) => !c.linked)) {
      const dead = [...this.children.values()].find((c) => c.exited);
      if (dead) throw new Error(`replica ${dead.id} exited`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (child.exited) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exit;
  clearTimeout(timer);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
