import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Fabric } from '../../proxy/fabric';
import { clientEndpointName } from '../../proxy/links';
import { startToxiproxyServer, type ToxiproxyServer } from '../../proxy/server';
import type { Topology } from '../../topology';

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
  /** Called with each child's role and leader changes. */
  readonly onEvent?: (node: string, event: unknown) => void;
  /** How long to wait for every replica to listen and link up. */
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
  port?: number;
  linked: boolean;
  exited: boolean;
}

/** The built CLI: from dist/runtime/live, or from src/runtime/live when run under ts-jest. */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli', 'main.js');

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

  /** Start everything; resolves once every replica listens and every peer link is open. */
  async start(): Promise<ClusterNode[]> {
    const { topology } = this.options;
    if (!this.options.toxiproxyUrl) {
      this.toxiproxy = await startToxiproxyServer({
        host: topology.toxiproxy.host,
        port: topology.toxiproxy.port,
      });
    }
    const listening = topology.nodes.map((n) => this.spawnNode(n.id));
    const timeout = this.options.startTimeoutMs ?? 30_000;
    await withTimeout(Promise.all(listening), timeout, 'replicas did not all start listening');
    const upstreams = new Map(
      topology.nodes.map((n) => [n.id, `${n.host}:${this.children.get(n.id)?.port ?? 0}`]),
    );
    this.fabricValue = await Fabric.create(topology, this.toxiproxyUrl, { upstreams });
    await withTimeout(this.allLinked(), timeout, 'replicas did not all link up through the fabric');
    return topology.nodes.map((n) => ({
      id: n.id,
      region: n.region,
      pid: this.children.get(n.id)?.process.pid ?? 0,
      port: this.children.get(n.id)?.port ?? 0,
    }));
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
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const child: Child = { id, process: proc, linked: false, exited: false };
    this.children.set(id, child);
    createInterface({ input: proc.stderr }).on('line', (line) => this.options.log(line));
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
        } else if (!this.stopping) {
          this.options.log(`replica ${id} exited (${how})`);
        }
      });
      createInterface({ input: proc.stdout }).on('line', (line) => {
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
      });
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
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await exited;
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
