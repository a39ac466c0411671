import type { Rng } from '../../core/random';
import {
  clientEndpointName,
  complement,
  resolveGroup,
  type Group,
  type GroupSpec,
} from '../../proxy/links';
import { bandwidthDelayMs } from '../../proxy/toxics/bandwidth';
import { linkKey, type Topology } from '../../topology';
import { linkDelay, sampleDelay, type Delay } from './delay';

/**
 * The simulated network: one link per directed pair of endpoints (replicas, and the clients
 * of each region), each with the topology's delay distribution and the faults the fabric
 * offers live — blackhole, hold and refuse partitions (one-way or both ways), extra latency,
 * bandwidth limits — plus message loss, which TCP through Toxiproxy never shows but which a
 * protocol must survive. Links keep send order (FIFO), as a TCP stream through Toxiproxy's
 * latency toxic does, and bandwidth serialises messages as the bandwidth toxic does.
 */

export type PartitionMode = 'blackhole' | 'hold' | 'refuse';

interface Fault {
  readonly id: number;
  readonly from: Group;
  readonly to: Group;
  readonly kind:
    | { readonly type: 'partition'; readonly mode: PartitionMode }
    | { readonly type: 'latency'; readonly delay: Delay }
    | { readonly type: 'bandwidth'; readonly bytesPerMs: number }
    | { readonly type: 'loss'; readonly rate: number };
}

export interface Link {
  readonly from: string;
  readonly to: string;
  readonly base: Delay;
  readonly rng: Rng;
  /** Arrival time of the last message sent: nothing may arrive before it (FIFO). */
  lastArrival: number;
  /** When the link is done serialising what it was given (bandwidth). */
  freeAt: number;
  // The faults in force, recomputed whenever a fault is added or healed.
  cut: PartitionMode | undefined;
  extra: Delay[];
  bytesPerMs: number | undefined;
  lossRate: number;
}

/** What happens to one message sent now. */
export type Fate =
  | { readonly kind: 'arrive'; readonly at: number }
  | { readonly kind: 'drop'; readonly reason: 'blackhole' | 'refused' | 'loss' }
  | { readonly kind: 'hold' };

export class SimNetwork {
  private readonly links = new Map<string, Link>();
  /** The same links by sender, then receiver: the per-message lookup, without building a key. */
  private readonly bySender = new Map<string, Map<string, Link>>();
  private faults: Fault[] = [];
  private nextFaultId = 1;
  private readonly regionOf = new Map<string, string>();

  constructor(
    private readonly topology: Topology,
    rng: Rng,
  ) {
    for (const n of topology.nodes) this.regionOf.set(n.id, n.region);
    for (const r of topology.regions) this.regionOf.set(clientEndpointName(r.name), r.name);
    const endpoints = [...this.regionOf.keys()];
    for (const from of endpoints) {
      for (const to of endpoints) {
        if (from === to || (isClients(from) && isClients(to))) continue;
        const l = topology.latency.links.get(linkKey(this.region(from), this.region(to)));
        if (!l) throw new Error(`no latency ${from} → ${to}`);
        const link: Link = {
          from,
          to,
          base: linkDelay(l.delayMs, l.jitterMs, l.distribution),
          rng: rng.fork(`link:${from}>${to}`),
          lastArrival: 0,
          freeAt: 0,
          cut: undefined,
          extra: [],
          bytesPerMs: undefined,
          lossRate: 0,
        };
        this.links.set(`${from}>${to}`, link);
        const out = this.bySender.get(from) ?? new Map<string, Link>();
        out.set(to, link);
        this.bySender.set(from, out);
      }
    }
  }

  region(endpoint: string): string {
    const r = this.regionOf.get(endpoint);
    if (r === undefined) throw new RangeError(`unknown endpoint ${endpoint}`);
    return r;
  }

  link(from: string, to: string): Link {
    const l = this.bySender.get(from)?.get(to);
    if (!l) throw new RangeError(`no link ${from} → ${to}`);
    return l;
  }

  /** The mean round trip between two endpoints, from the topology (a refusal's cost). */
  rttMs(from: string, to: string): number {
    const there = this.topology.latency.links.get(linkKey(this.region(from), this.region(to)));
    const back = this.topology.latency.links.get(linkKey(this.region(to), this.region(from)));
    return (there?.delayMs ?? 0) + (back?.delayMs ?? 0);
  }

  /** Whether this link needs a message's size (a bandwidth limit is on it). */
  needsSize(from: string, to: string): boolean {
    return this.link(from, to).bytesPerMs !== undefined;
  }

  /** Decide a message's fate at time `now`; `bytes` matters only under a bandwidth limit. */
  send(from: string, to: string, now: number, bytes: number): Fate {
    const link = this.link(from, to);
    if (link.cut === 'blackhole') return { kind: 'drop', reason: 'blackhole' };
    if (link.cut === 'refuse') return { kind: 'drop', reason: 'refused' };
    if (link.cut === 'hold') return { kind: 'hold' };
    if (link.lossRate > 0 && link.rng.next() < link.lossRate)
      return { kind: 'drop', reason: 'loss' };
    return { kind: 'arrive', at: this.arrival(link, now, bytes) };
  }

  /** When a message sent now on a link that carries it would arrive. */
  arrival(link: Link, now: number, bytes: number): number {
    let departure = now;
    if (link.bytesPerMs !== undefined) {
      // The bandwidth toxic's own timing: rate in KB/s is bytes per ms.
      departure = Math.max(now, link.freeAt) + bandwidthDelayMs({ rate: link.bytesPerMs }, bytes);
      link.freeAt = departure;
    }
    let delay = sampleDelay(link.base, link.rng);
    for (const d of link.extra) delay += sampleDelay(d, link.rng);
    const at = Math.max(departure + delay, link.lastArrival);
    link.lastArrival = at;
    return at;
  }

  /** Cut `a` from `b` (default: everything else); returns the fault's id for healing it alone. */
  partition(
    a: GroupSpec,
    b?: GroupSpec,
    options: { mode?: PartitionMode; oneWay?: boolean } = {},
  ): number[] {
    const mode = options.mode ?? 'blackhole';
    const from = resolveGroup(this.topology, a);
    const to = b === undefined ? complement(this.topology, from) : resolveGroup(this.topology, b);
    const ids = [this.add(from, to, { type: 'partition', mode })];
    if (!options.oneWay) ids.push(this.add(to, from, { type: 'partition', mode }));
    return ids;
  }

  isolate(node: string, mode: PartitionMode = 'blackhole'): number[] {
    return this.partition([node], undefined, { mode });
  }

  addLatency(from: GroupSpec, to: GroupSpec, delay: Delay): number {
    return this.add(resolveGroup(this.topology, from), resolveGroup(this.topology, to), {
      type: 'latency',
      delay,
    });
  }

  /** Limit the bytes from one group to another to `rateKBps` kilobytes (1000 B) per second. */
  limitBandwidth(from: GroupSpec, to: GroupSpec, rateKBps: number): number {
    return this.add(resolveGroup(this.topology, from), resolveGroup(this.topology, to), {
      type: 'bandwidth',
      bytesPerMs: rateKBps,
    });
  }

  /** Lose each message from one group to another with probability `rate`. */
  setLoss(from: GroupSpec, to: GroupSpec, rate: number): number {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`loss rate must be in [0, 1], got ${rate}`);
    return this.add(resolveGroup(this.topology, from), resolveGroup(this.topology, to), {
      type: 'loss',
      rate,
    });
  }

  /**
   * Remove faults (all, or those with the given ids). Returns the links whose hold was
   * lifted, so the simulation can release what they held.
   */
  heal(ids?: readonly number[]): Link[] {
    const wasHeld = [...this.links.values()].filter((l) => l.cut === 'hold');
    this.faults = ids === undefined ? [] : this.faults.filter((f) => !ids.includes(f.id));
    this.recompute();
    return wasHeld.filter((l) => l.cut !== 'hold');
  }

  /** Active faults, for the trace and reports. */
  activeFaults(): number {
    return this.faults.length;
  }

  private add(from: Group, to: Group, kind: Fault['kind']): number {
    const id = this.nextFaultId++;
    this.faults.push({ id, from, to, kind });
    this.recompute();
    return id;
  }

  private recompute(): void {
    for (const link of this.links.values()) {
      link.cut = undefined;
      link.extra = [];
      link.bytesPerMs = undefined;
      link.lossRate = 0;
    }
    for (const f of this.faults) {
      for (const link of this.linksBetween(f.from, f.to)) {
        switch (f.kind.type) {
          case 'partition':
            // The harshest cut wins where partitions overlap: refuse, blackhole, then hold.
            link.cut = harsher(link.cut, f.kind.mode);
            break;
          case 'latency':
            link.extra.push(f.kind.delay);
            break;
          case 'bandwidth':
            link.bytesPerMs = Math.min(link.bytesPerMs ?? Infinity, f.kind.bytesPerMs);
            break;
          case 'loss':
            link.lossRate = 1 - (1 - link.lossRate) * (1 - f.kind.rate);
            break;
        }
      }
    }
  }

  private *linksBetween(from: Group, to: Group): Iterable<Link> {
    for (const link of this.links.values()) {
      if (
        holds(from, link.from, this.region(link.from)) &&
        holds(to, link.to, this.region(link.to))
      ) {
        yield link;
      }
    }
  }
}

const CUT_ORDER: readonly PartitionMode[] = ['hold', 'blackhole', 'refuse'];

function harsher(a: PartitionMode | undefined, b: PartitionMode): PartitionMode {
  if (a === undefined) return b;
  return CUT_ORDER.indexOf(a) >= CUT_ORDER.indexOf(b) ? a : b;
}

function isClients(endpoint: string): boolean {
  return endpoint.startsWith('client@');
}

function holds(group: Group, endpoint: string, region: string): boolean {
  return isClients(endpoint) ? group.clientRegions.has(region) : group.nodes.has(endpoint);
}
