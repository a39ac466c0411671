import { Toxiproxy, ToxiproxyError, type ICreateToxicBody } from 'toxiproxy-node-client';
import type { Topology } from '../topology';
import { KeyedQueue, mapLimit, Semaphore } from './limit';
import {
  complement,
  dialAddress,
  planProxies,
  proxyName,
  resolveGroup,
  streamsBetween,
  wholeMillisecondDelays,
  type GroupSpec,
  type PlannedProxy,
  type ProxyStream,
  type Stream,
} from './links';

/**
 * The link fabric: every byte between replicas, and between clients and replicas, through
 * one Toxiproxy proxy per directed pair (DESIGN §3), driven only through
 * toxiproxy-node-client so that the embedded server and a real Toxiproxy are interchangeable.
 */

/** How a partition cuts: drop bytes (`timeout` 0), hold them until heal (`bandwidth` 0), or refuse connections. */
export type PartitionMode = 'blackhole' | 'hold' | 'refuse';

export interface PartitionOptions {
  mode?: PartitionMode;
  /** Cut only the bytes from the first group to the second. */
  oneWay?: boolean;
}

export interface FabricOptions {
  /** Address the proxies listen on (default: the topology's toxiproxy.listenHost). */
  listenHost?: string;
  /** Where each node really listens, `host:port`, when it differs from the topology (port 0). */
  upstreams?: ReadonlyMap<string, string>;
  /** API calls in flight at once. */
  concurrency?: number;
}

/** Names one fault that partition/addLatency/limitBandwidth started, for `remove(ids)`. */
export type FaultId = number;

/**
 * A fault whose API calls failed, some or all: `id` still names what it did put, so that
 * `remove([id])` lifts it. Thrown once every call of the fault has finished.
 */
export class FabricFaultError extends Error {
  constructor(
    message: string,
    readonly id: FaultId,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'FabricFaultError';
  }
}

export interface ToxicState {
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ProxyState {
  enabled: boolean;
  listen: string;
  upstream: string;
  toxics: ToxicState[];
}

/** Toxics that carry the topology's latency; everything else is a fault that heal() removes. */
const BASE_LATENCY = 'geolab_latency';

/** Fault toxics are named by what they do and the stream they sit on, so re-applying is a no-op. */
const FAULT_TOXIC: Record<
  'blackhole' | 'hold',
  { type: string; name: string; attributes: object }
> = {
  blackhole: { type: 'timeout', name: 'geolab_blackhole', attributes: { timeout: 0 } },
  hold: { type: 'bandwidth', name: 'geolab_hold', attributes: { rate: 0 } },
};

export class Fabric {
  /**
   * Operations on one proxy run in call order (the queue); at most `concurrency` API calls
   * are in flight over all proxies (the semaphore, taken inside each queued operation). Every
   * call enqueues all its proxies before it awaits anything, so a partition() issued right
   * after a heal() queues behind the removal on every proxy, not just on the first few.
   */
  private readonly queue = new KeyedQueue();
  private readonly slots: Semaphore;
  private readonly dialledByClients: ReadonlySet<string>;
  /**
   * Fault toxics this fabric put on each proxy, each with the faults that want it; and the
   * proxies it disabled, with the faults that want each disabled. A partition's toxics are
   * shared by name (a blackhole is a blackhole), so one is removed once no fault wants it.
   */
  private readonly faults = new Map<string, Map<string, Set<FaultId>>>();
  private readonly disabled = new Map<string, Set<FaultId>>();
  /** What each fault put where, for `remove(ids)`. */
  private readonly byId = new Map<FaultId, { toxics: [string, string][]; proxies: string[] }>();
  private nextId = 1;

  private constructor(
    readonly topology: Topology,
    readonly url: string,
    private readonly client: Toxiproxy,
    private readonly plan: readonly PlannedProxy[],
    private readonly listen: ReadonlyMap<string, { host: string; port: number }>,
    concurrency: number,
  ) {
    this.slots = new Semaphore(concurrency);
    this.dialledByClients = new Set(
      plan.filter((p) => p.src.kind === 'clients').map((p) => p.name),
    );
  }

  /**
   * Create (or re-create, replacing same-named leftovers) every proxy of the topology and
   * give each the one-way latency of its link, in whole milliseconds as Toxiproxy takes them
   * (wholeMillisecondDelays: each RTT within 0.5 ms, each direction within 1 ms).
   */
  static async create(
    topology: Topology,
    url: string,
    options: FabricOptions = {},
  ): Promise<Fabric> {
    const client = new Toxiproxy(url.replace(/\/+$/, ''));
    const concurrency = options.concurrency ?? 32;
    const listenHost = options.listenHost ?? topology.toxiproxy.listenHost;
    const plan = planProxies(topology);
    const upstreamOf = (id: string): string => {
      const given = options.upstreams?.get(id);
      if (given) return given;
      const node = topology.nodes.find((n) => n.id === id);
      if (!node || node.port === 0)
        throw new Error(`no address for node ${id}: pass it in upstreams`);
      return `${node.host}:${node.port}`;
    };

    const existing = await client.getAll();
    const stale = plan.filter((p) => p.name in existing).map((p) => existing[p.name]);
    await mapLimit(stale, concurrency, (p) => p.remove());

    const created = await client.populate(
      plan.map((p) => ({
        name: p.name,
        listen: `${listenHost}:0`,
        upstream: upstreamOf(p.dst),
        enabled: true,
      })),
    );
    const listen = new Map<string, { host: string; port: number }>();
    for (const p of plan) {
      const proxy = created[p.name];
      if (!proxy) throw new Error(`Toxiproxy at ${url} did not create proxy ${p.name}`);
      listen.set(p.name, dialAddress(proxy.listen));
    }
    const fabric = new Fabric(topology, url, client, plan, listen, concurrency);
    const base = plan.flatMap((p) => {
      const whole = wholeMillisecondDelays(p);
      return (['upstream', 'downstream'] as const).map((stream) => ({
        proxy: p.name,
        stream,
        latency: whole[stream],
        jitter: Math.round(p[stream].jitterMs),
      }));
    });
    await Promise.all(
      base
        .filter((b) => b.latency > 0 || b.jitter > 0)
        .map(({ proxy, stream, latency, jitter }) =>
          fabric.putToxic(proxy, {
            name: `${BASE_LATENCY}_${stream}`,
            type: 'latency',
            stream,
            toxicity: 1,
            attributes: { latency, jitter },
          }),
        ),
    );
    return fabric;
  }

  /** Where `from` (a node id, or `client@<region>`) dials to reach node `to`. */
  address(from: string, to: string): { host: string; port: number } {
    const at = this.listen.get(proxyName(from, to));
    if (!at) throw new RangeError(`no proxy from ${from} to ${to}`);
    return at;
  }

  /** Every proxy name of the fabric. */
  proxies(): string[] {
    return this.plan.map((p) => p.name);
  }

  /**
   * Cut group `a` from group `b` (default: everything else). Groups name regions and/or
   * nodes; a region includes its clients. `refuse` disables whole proxies, so a one-way
   * refuse also stops the replies on connections dialled across the cut.
   */
  async partition(a: GroupSpec, b?: GroupSpec, options: PartitionOptions = {}): Promise<FaultId> {
    const id = this.newFault();
    const mode = options.mode ?? 'blackhole';
    const streams = this.streams(a, b, options.oneWay ?? false);
    if (mode === 'refuse') {
      const names = [...new Set(streams.map((s) => s.proxy))];
      return this.settle(
        id,
        names.map((name) => this.disable(name, id)),
      );
    }
    const toxic = FAULT_TOXIC[mode];
    return this.settle(
      id,
      streams.map((s) =>
        this.putToxic(
          s.proxy,
          {
            name: `${toxic.name}_${s.stream}`,
            type: toxic.type as ICreateToxicBody<object>['type'],
            stream: s.stream,
            toxicity: 1,
            attributes: toxic.attributes,
          },
          id,
        ),
      ),
    );
  }

  /** Cut one node from every other node and from every client, its own region's included. */
  isolate(node: string, options: Omit<PartitionOptions, 'oneWay'> = {}): Promise<FaultId> {
    return this.partition([node], undefined, options);
  }

  /**
   * Add latency to the bytes from one group to another, on top of the topology's. Each call
   * adds its own toxics (named by its fault id), so latencies stack and lift one by one.
   */
  async addLatency(
    from: GroupSpec,
    to: GroupSpec,
    latencyMs: number,
    jitterMs = 0,
  ): Promise<FaultId> {
    return this.addToxicFault(from, to, 'extra_latency', 'latency', {
      latency: Math.round(latencyMs),
      jitter: Math.round(jitterMs),
    });
  }

  /** Limit the bytes from one group to another to `rateKBps` kilobytes (1000 B) per second. */
  async limitBandwidth(from: GroupSpec, to: GroupSpec, rateKBps: number): Promise<FaultId> {
    return this.addToxicFault(from, to, 'bandwidth', 'bandwidth', { rate: Math.round(rateKBps) });
  }

  /** One toxic per stream from `from` to `to`, named for the fault so it can be lifted alone. */
  private addToxicFault(
    from: GroupSpec,
    to: GroupSpec,
    label: string,
    type: 'latency' | 'bandwidth',
    attributes: Record<string, number>,
  ): Promise<FaultId> {
    const id = this.newFault();
    return this.settle(
      id,
      this.streams(from, to, true).map((s) =>
        this.putToxic(
          s.proxy,
          {
            name: `geolab_${label}_${id}_${s.stream}`,
            type,
            stream: s.stream,
            toxicity: 1,
            attributes,
          },
          id,
        ),
      ),
    );
  }

  /** Remove every fault (partitions, extra latency, bandwidth limits); keep the topology's latency. */
  async heal(): Promise<void> {
    // Take the faults applied so far now, synchronously: a fault applied after this call
    // queues behind the removal on its proxy and stays.
    const toxics = new Map([...this.faults].map(([proxy, m]) => [proxy, [...m.keys()]]));
    const disabled = new Set(this.disabled.keys());
    this.faults.clear();
    this.disabled.clear();
    this.byId.clear();
    await this.lift(toxics, disabled);
  }

  /**
   * Lift only the faults these ids name (unknown or lifted ids are ignored). A partition's
   * toxic, or a disabled proxy, that another fault still wants stays. Like heal(), it takes
   * what to lift now, synchronously, and queues behind what was called before it.
   */
  async remove(ids: readonly FaultId[]): Promise<void> {
    const toxics = new Map<string, string[]>();
    const enable = new Set<string>();
    for (const id of ids) {
      const fault = this.byId.get(id);
      if (!fault) continue;
      this.byId.delete(id);
      for (const [proxy, name] of fault.toxics) {
        const owners = this.faults.get(proxy)?.get(name);
        if (!owners) continue;
        owners.delete(id);
        if (owners.size > 0) continue;
        this.faults.get(proxy)?.delete(name);
        toxics.set(proxy, [...(toxics.get(proxy) ?? []), name]);
      }
      for (const proxy of fault.proxies) {
        const owners = this.disabled.get(proxy);
        if (!owners) continue;
        owners.delete(id);
        if (owners.size > 0) continue;
        this.disabled.delete(proxy);
        enable.add(proxy);
      }
    }
    await this.lift(toxics, enable);
  }

  /** Queue, on each proxy, re-enabling it (if in `enable`) and deleting its listed toxics. */
  private async lift(
    toxics: ReadonlyMap<string, readonly string[]>,
    enable: ReadonlySet<string>,
  ): Promise<void> {
    const touched = [...new Set([...toxics.keys(), ...enable])];
    await Promise.all(
      touched.map((name) =>
        this.queue.run(name, () =>
          this.slots.use(async () => {
            if (enable.has(name)) await this.updateProxy(name, true);
            for (const toxic of toxics.get(name) ?? []) {
              const path = `${this.proxyPath(name)}/toxics/${encodeURIComponent(toxic)}`;
              await this.call(() => this.client.getApi().delete(path), [404]);
            }
          }),
        ),
      ),
    );
  }

  /** What the Toxiproxy server holds now for this fabric's proxies: enabled, toxics. */
  async snapshot(): Promise<Map<string, ProxyState>> {
    const response = await this.call(() => this.client.getApi().get(`${this.client.host}/proxies`));
    const all = (response?.data ?? {}) as Record<string, ProxyState>;
    const out = new Map<string, ProxyState>();
    for (const p of this.plan) {
      const state = all[p.name];
      if (state) out.set(p.name, state);
    }
    return out;
  }

  /** Delete every proxy of this fabric (closing its connections). */
  async destroy(): Promise<void> {
    await Promise.all(
      this.plan.map((p) =>
        this.queue.run(p.name, () =>
          this.slots.use(() =>
            this.call(() => this.client.getApi().delete(this.proxyPath(p.name)), [404]),
          ),
        ),
      ),
    );
  }

  private streams(a: GroupSpec, b: GroupSpec | undefined, oneWay: boolean): ProxyStream[] {
    const from = resolveGroup(this.topology, a);
    const to = b === undefined ? complement(this.topology, from) : resolveGroup(this.topology, b);
    const there = streamsBetween(this.plan, from, to);
    if (!oneWay) return [...there, ...streamsBetween(this.plan, to, from)];
    // One-way A↛B: replicas send on the links they dialled, so A's messages to B are on the
    // upstream of A's proxies. The downstream of B's proxies to A carries only WebSocket
    // handshake and control frames of B's own link: cutting it would break B → A as soon as B
    // redialled. Client proxies carry the answers downstream, so there it is cut.
    return there.filter((s) => s.stream === 'upstream' || this.dialledByClients.has(s.proxy));
  }

  private proxyPath(name: string): string {
    return `${this.client.host}/proxies/${encodeURIComponent(name)}`;
  }

  /** Add a toxic, or update it if one of that name is there already: idempotent. */
  private putToxic(proxy: string, body: ICreateToxicBody<object>, id?: FaultId): Promise<void> {
    // Recorded before the call is queued, so that a heal() called meanwhile, which queues
    // behind it on this proxy, removes it.
    if (id !== undefined) {
      const toxics = this.faults.get(proxy) ?? new Map<string, Set<FaultId>>();
      const owners = toxics.get(body.name) ?? new Set<FaultId>();
      owners.add(id);
      toxics.set(body.name, owners);
      this.faults.set(proxy, toxics);
      this.byId.get(id)?.toxics.push([proxy, body.name]);
    }
    return this.queue.run(proxy, () =>
      this.slots.use(async () => {
        const api = this.client.getApi();
        const created = await this.call(
          () => api.post(`${this.proxyPath(proxy)}/toxics`, body),
          [409],
        );
        if (created === undefined) {
          await this.call(() => api.post(`${this.proxyPath(proxy)}/toxics/${body.name}`, body));
        }
      }),
    );
  }

  /** Wait for every call of fault `id`; if any failed, throw a FabricFaultError naming it. */
  private async settle(id: FaultId, calls: readonly Promise<void>[]): Promise<FaultId> {
    const results = await Promise.allSettled(calls);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      const cause: unknown = failed.reason;
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new FabricFaultError(message, id, { cause });
    }
    return id;
  }

  private newFault(): FaultId {
    const id = this.nextId++;
    this.byId.set(id, { toxics: [], proxies: [] });
    return id;
  }

  private disable(proxy: string, id: FaultId): Promise<void> {
    const owners = this.disabled.get(proxy) ?? new Set<FaultId>();
    owners.add(id);
    this.disabled.set(proxy, owners);
    this.byId.get(id)?.proxies.push(proxy);
    return this.queue.run(proxy, () => this.slots.use(() => this.updateProxy(proxy, false)));
  }

  private async updateProxy(proxy: string, enabled: boolean): Promise<void> {
    await this.call(() => this.client.getApi().post(this.proxyPath(proxy), { enabled }));
  }

  /**
   * One API call; statuses in `tolerated` give undefined instead of an error.
   * toxiproxy-node-client 4.1 reports a status only inside its error message
   * ("Request failed with status code 409"), so that is where it is read from.
   */
  private async call<R>(
    request: () => Promise<R>,
    tolerated: readonly number[] = [],
  ): Promise<R | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        const status =
          err instanceof ToxiproxyError ? /status code (\d+)/.exec(err.message)?.[1] : undefined;
        if (status !== undefined && tolerated.includes(Number(status))) return undefined;
        if (attempt < NETWORK_ATTEMPTS && isNetworkFailure(err)) {
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          continue;
        }
        throw new Error(`Toxiproxy at ${this.url}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}

/**
 * Tries of one API call that got no HTTP answer at all. Every call here is idempotent (a
 * toxic that exists is updated, a missing one is not deleted twice), so such a call is
 * simply made again. Under load a kept-alive connection's idle timer fires late in the client
 * and the server has already closed it: undici then fails the request with "other side
 * closed" (UND_ERR_SOCKET), which at 27 replicas (2,835 calls to build the fabric) stopped
 * the cluster from starting (docs/reliability/scale.md).
 */
const NETWORK_ATTEMPTS = 3;

/**
 * fetch rejects with a TypeError ("fetch failed") when no response came; toxiproxy-node-client
 * 4.1 passes on only its name and message.
 */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof ToxiproxyError && err.name === 'TypeError';
}
