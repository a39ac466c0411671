import { linkKey, type OneWayLink, type Topology } from '../topology';

/**
 * The proxies of a topology's link fabric (DESIGN §3), as pure data: which proxy carries
 * which bytes, and which of its streams a fault between two groups must touch.
 *
 * A proxy `src__dst` is dialled by `src` and forwards to node `dst`. Its upstream stream
 * carries src → dst bytes, its downstream stream dst → src bytes on that same connection.
 * A replica sends its messages on the connection it dialled itself, so a message A → B
 * crosses exactly one proxy, upstream: `A__B`. Clients of region R reach node N through
 * `client@R__N`: requests upstream, replies downstream.
 */

/** Something that dials a proxy: a replica, or the clients of a region. */
export type Endpoint =
  | { readonly kind: 'node'; readonly id: string; readonly region: string }
  | { readonly kind: 'clients'; readonly region: string };

export interface PlannedProxy {
  /** `<from>__<to>` or `client@<region>__<to>`. */
  readonly name: string;
  readonly src: Endpoint;
  /** The node the proxy forwards to. */
  readonly dst: string;
  /** One-way latency of src → dst bytes (upstream) and dst → src bytes (downstream). */
  readonly upstream: OneWayLink;
  readonly downstream: OneWayLink;
}

export type Stream = 'upstream' | 'downstream';

/** One stream of one proxy. */
export interface ProxyStream {
  readonly proxy: string;
  readonly stream: Stream;
}

export function clientEndpointName(region: string): string {
  return `client@${region}`;
}

export function endpointName(e: Endpoint): string {
  return e.kind === 'node' ? e.id : clientEndpointName(e.region);
}

export function proxyName(from: string, to: string): string {
  return `${from}__${to}`;
}

/** Every proxy of the fabric: one per ordered node pair, and one per (client region, node). */
export function planProxies(topology: Topology): PlannedProxy[] {
  const link = (from: string, to: string): OneWayLink => {
    const l = topology.latency.links.get(linkKey(from, to));
    if (!l) throw new Error(`topology has no latency ${from} → ${to}`);
    return l;
  };
  const plan: PlannedProxy[] = [];
  for (const src of topology.nodes) {
    for (const dst of topology.nodes) {
      if (src.id === dst.id) continue;
      plan.push({
        name: proxyName(src.id, dst.id),
        src: { kind: 'node', id: src.id, region: src.region },
        dst: dst.id,
        upstream: link(src.region, dst.region),
        downstream: link(dst.region, src.region),
      });
    }
  }
  for (const region of topology.regions) {
    if (region.clients === 0) continue;
    for (const dst of topology.nodes) {
      plan.push({
        name: proxyName(clientEndpointName(region.name), dst.id),
        src: { kind: 'clients', region: region.name },
        dst: dst.id,
        upstream: link(region.name, dst.region),
        downstream: link(dst.region, region.name),
      });
    }
  }
  return plan;
}

/**
 * Endpoints named by regions and/or nodes, as a user writes them (topology ids never
 * collide, so one list serves both). A region stands for its nodes and its clients.
 */
export type GroupSpec = readonly string[];

/** A group resolved to the endpoints it holds. */
export interface Group {
  readonly nodes: ReadonlySet<string>;
  readonly clientRegions: ReadonlySet<string>;
}

/** Resolve names to endpoints; unknown names are reported, not ignored. */
export function resolveGroup(topology: Topology, spec: GroupSpec): Group {
  const nodes = new Set<string>();
  const clientRegions = new Set<string>();
  for (const name of spec) {
    const region = topology.regions.find((r) => r.name === name);
    if (region) {
      region.nodes.forEach((id) => nodes.add(id));
      clientRegions.add(region.name);
    } else if (topology.nodes.some((n) => n.id === name)) {
      nodes.add(name);
    } else {
      throw new RangeError(`unknown region or node "${name}" in a fault group`);
    }
  }
  return { nodes, clientRegions };
}

/** Every endpoint not in the group. */
export function complement(topology: Topology, group: Group): Group {
  return {
    nodes: new Set(topology.nodes.map((n) => n.id).filter((id) => !group.nodes.has(id))),
    clientRegions: new Set(
      topology.regions.map((r) => r.name).filter((r) => !group.clientRegions.has(r)),
    ),
  };
}

function holds(group: Group, e: Endpoint): boolean {
  return e.kind === 'node' ? group.nodes.has(e.id) : group.clientRegions.has(e.region);
}

/**
 * The proxy streams that carry bytes from group `from` to group `to`: upstream where a
 * member of `from` dialled a member of `to`, downstream where it is the other way round.
 */
export function streamsBetween(
  plan: readonly PlannedProxy[],
  from: Group,
  to: Group,
): ProxyStream[] {
  const out: ProxyStream[] = [];
  for (const p of plan) {
    const dst: Endpoint = { kind: 'node', id: p.dst, region: '' };
    if (holds(from, p.src) && holds(to, dst)) out.push({ proxy: p.name, stream: 'upstream' });
    if (holds(to, p.src) && holds(from, dst)) out.push({ proxy: p.name, stream: 'downstream' });
  }
  return out;
}

/**
 * A proxy's one-way delays in whole milliseconds, the unit of Toxiproxy's latency toxic.
 * Rounding each direction alone would turn a 1 ms RTT (0.5 ms each way) into 2 ms; instead
 * the pair's RTT is rounded once and split: the direction from the lower endpoint name to the
 * higher takes its own delay rounded, the other the rest. Both proxies of a pair (A__B and
 * B__A) apply the same rule, so a protocol's request/response over two connections and a
 * ping over one both see the rounded RTT, and no direction is off by more than 1 ms.
 */
export function wholeMillisecondDelays(p: PlannedProxy): { upstream: number; downstream: number } {
  const total = Math.round(p.upstream.delayMs + p.downstream.delayMs);
  if (endpointName(p.src) < p.dst) {
    const upstream = Math.round(p.upstream.delayMs);
    return { upstream, downstream: total - upstream };
  }
  const downstream = Math.round(p.downstream.delayMs);
  return { upstream: total - downstream, downstream };
}

/**
 * Where to dial a proxy, from the `listen` Toxiproxy reports: `host:port` with the real port;
 * a wildcard or empty host (`[::]:port`, `0.0.0.0:port`) is reached on loopback.
 */
export function dialAddress(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[|\]$/g, '');
  const wildcard = host === '' || host === '::' || host === '0.0.0.0';
  return { host: wildcard ? '127.0.0.1' : host, port: Number(listen.slice(colon + 1)) };
}
