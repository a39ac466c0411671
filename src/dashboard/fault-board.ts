import { majority } from '../core/quorum';
import type { FaultHandle, FaultTarget } from '../faults/target';
import { votersOf } from '../runtime/live/raft-failover';
import { rttMs, type Topology } from '../topology';
import type { ActiveFault, Control, LinkState } from './protocol';
import { ControlError, type EventLog } from './session';

type FaultControl = Exclude<Control, { type: 'sim' }>;

interface Fault {
  readonly id: number;
  readonly handle: FaultHandle;
  readonly kind: 'partition' | 'latency';
  readonly detail: string;
  readonly startMs: number;
  /** Region pairs `from>to` this fault cuts, or adds `addMs` to. */
  readonly links: ReadonlySet<string>;
  readonly addMs: number;
}

/**
 * The dashboard's controls carried out on a FaultTarget (the simulator's or a live
 * cluster's), the faults they started kept by id so one can be lifted alone, and each told
 * in plain words with what it means for the topology's mode: "eu-west-1 cut off; raft leader
 * us-east-1-n1 keeps quorum; eu-west-1 writes now fail".
 */
export class FaultBoard {
  private readonly active = new Map<number, Fault>();
  private readonly killed = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly target: FaultTarget,
    private readonly topology: Topology,
    private readonly log: EventLog,
    private readonly leader: () => string | undefined,
  ) {}

  apply(control: FaultControl): void {
    switch (control.type) {
      case 'partition':
        return this.partition(control);
      case 'heal':
        return this.heal(control.fault);
      case 'latency':
        return this.latency(control.from, control.to, control.addMs);
      case 'kill':
        return this.kill(control.node);
      case 'restart':
        return this.restart(control.node);
    }
  }

  /** Killed from the dashboard and not restarted. */
  isKilled(node: string): boolean {
    return this.killed.has(node);
  }

  faults(): ActiveFault[] {
    return [...this.active.values()].map((f) => ({
      id: f.id,
      kind: f.kind,
      detail: f.detail,
      startMs: Math.round(f.startMs),
    }));
  }

  /** Every directed pair of regions (a region with itself too), with what faults do to it. */
  links(measured: (from: string, to: string) => number | null): LinkState[] {
    const out: LinkState[] = [];
    for (const a of this.topology.regions) {
      for (const b of this.topology.regions) {
        const key = `${a.name}>${b.name}`;
        const faults = [...this.active.values()].filter((f) => f.links.has(key));
        out.push({
          from: a.name,
          to: b.name,
          configuredMs: rttMs(this.topology.latency, a.name, b.name),
          measuredMs: measured(a.name, b.name),
          cut: faults.some((f) => f.kind === 'partition'),
          addedMs: faults.reduce((sum, f) => sum + f.addMs, 0),
        });
      }
    }
    return out;
  }

  private partition(c: Extract<Control, { type: 'partition' }>): void {
    const sideA = this.nodes(c.a);
    const sideB =
      c.b === undefined
        ? this.target.allNodes().filter((n) => !sideA.includes(n))
        : this.nodes(c.b).filter((n) => !sideA.includes(n));
    if (sideB.length === 0)
      throw new ControlError(`${c.a.join(', ')}: nothing left to cut off from`);
    const handle = this.target.partition(c.a, c.b, { mode: c.mode, oneWay: c.oneWay });
    const links = new Set<string>();
    for (const x of sideA) {
      for (const y of sideB) {
        const [rx, ry] = [this.target.regionOf(x), this.target.regionOf(y)];
        // Inside a region too (`r>r`): a partition between its own replicas.
        links.add(`${rx}>${ry}`);
        if (!c.oneWay) links.add(`${ry}>${rx}`);
      }
    }
    const a = c.a.join(', ');
    const what =
      c.b === undefined
        ? c.oneWay
          ? `${a} can no longer send to the others (one-way)`
          : `${a} cut off`
        : `${a} cut from ${c.b.join(', ')}${c.oneWay ? ' (one-way)' : ''}`;
    const mode = c.mode === 'blackhole' ? '' : ` (${c.mode})`;
    const detail = `${what}${mode}`;
    this.add({ kind: 'partition', handle, detail, links, addMs: 0 });
    const consequence = c.oneWay ? oneWayWords(sideA) : this.consequence(sideA, sideB, c.a);
    this.log.say('partition', `${detail}; ${consequence}`);
  }

  private heal(id: number | undefined): void {
    if (id === undefined) {
      this.target.heal();
      const n = this.active.size;
      this.active.clear();
      this.log.say('heal', n === 0 ? 'healed (no fault was active)' : 'every fault healed');
      return;
    }
    const fault = this.active.get(id);
    if (!fault) throw new ControlError(`no active fault ${id} (it may be healed already)`);
    this.target.heal([fault.handle]);
    this.active.delete(id);
    this.log.say('heal', `healed: ${fault.detail}`);
  }

  private latency(from: string, to: string, addMs: number): void {
    for (const name of [from, to]) {
      if (!this.topology.regions.some((r) => r.name === name)) {
        throw new ControlError(`no region ${name} (regions: ${this.regionNames()})`);
      }
    }
    if (from === to) throw new ControlError('latency is added between two different regions');
    const key = `${from}>${to}`;
    // The slider sets the link's added latency: the earlier setting is replaced.
    for (const f of [...this.active.values()]) {
      if (f.kind === 'latency' && f.links.has(key)) {
        this.target.heal([f.handle]);
        this.active.delete(f.id);
      }
    }
    if (addMs === 0) {
      this.log.say('latency', `${from} → ${to}: back to its configured latency`);
      return;
    }
    const handle = this.target.addLatency([from], [to], {
      addMs,
      jitterMs: 0,
      distribution: 'uniform',
    });
    const detail = `+${addMs} ms ${from} → ${to}`;
    this.add({ kind: 'latency', handle, detail, links: new Set([key]), addMs });
    const rtt = rttMs(this.topology.latency, from, to);
    this.log.say('latency', `${detail} (RTT ${rtt} → ${rtt + addMs} ms)`);
  }

  private kill(node: string): void {
    this.node(node);
    if (this.killed.has(node)) throw new ControlError(`${node} is already down`);
    const leads = this.leader() === node;
    this.target.kill(node);
    this.killed.add(node);
    this.log.say(
      'kill',
      `${node} killed (kill -9)${leads ? `: it led, so the others will elect a new leader` : ''}`,
    );
  }

  private restart(node: string): void {
    this.node(node);
    if (!this.killed.has(node)) throw new ControlError(`${node} is running: kill it first`);
    this.target.restart(node);
    this.killed.delete(node);
    this.log.say('restart', `${node} restarted over its storage; it catches up from the others`);
  }

  private add(f: Omit<Fault, 'id' | 'startMs'>): void {
    const id = this.nextId++;
    this.active.set(id, { ...f, id, startMs: this.target.now() });
  }

  private nodes(names: readonly string[]): string[] {
    for (const name of names) this.nodeOrRegion(name);
    return this.target.nodesOf(names);
  }

  private node(id: string): void {
    if (!this.topology.nodes.some((n) => n.id === id)) {
      throw new ControlError(`no replica ${id} (replicas: ${this.target.allNodes().join(', ')})`);
    }
  }

  private nodeOrRegion(name: string): void {
    const known =
      this.topology.regions.some((r) => r.name === name) ||
      this.topology.nodes.some((n) => n.id === name);
    if (!known)
      throw new ControlError(`no region or replica ${name} (regions: ${this.regionNames()})`);
  }

  private regionNames(): string {
    return this.topology.regions.map((r) => r.name).join(', ');
  }

  /** What a two-way partition of `a` from `b` means for this mode, in words. */
  private consequence(
    a: readonly string[],
    b: readonly string[],
    named: readonly string[],
  ): string {
    const r = this.topology.replication;
    const aName = named.join(', ');
    const bName = this.sideName(b);
    const leader = this.leader();
    switch (r.mode) {
      case 'single-leader': {
        if (r.protocol !== 'raft') {
          if (leader === undefined) return 'no primary known';
          const [with_, without] = a.includes(leader) ? [aName, bName] : [bName, aName];
          return `primary ${leader} (${with_}) keeps accepting writes; ${without} stops hearing from it and may fail over to a second primary (split brain) unless fenced`;
        }
        const voters = votersOf(this.topology);
        const need = majority(voters.length);
        const votesA = voters.filter((v) => a.includes(v)).length;
        const votesB = voters.filter((v) => b.includes(v)).length;
        const major = votesA >= need ? aName : votesB >= need ? bName : undefined;
        const minor = votesA >= need ? bName : aName;
        if (leader === undefined) {
          return major === undefined
            ? 'no side holds a majority: every write fails'
            : `the majority (${major}) elects a leader; ${minor} writes now fail`;
        }
        const leaderSide = a.includes(leader) ? aName : bName;
        if (major === undefined) {
          return `raft leader ${leader} loses quorum and no side holds a majority: every write fails`;
        }
        if (leaderSide === major) {
          return `raft leader ${leader} keeps quorum; ${minor} writes now fail`;
        }
        return `raft leader ${leader} loses quorum; the majority (${major}) elects a new leader; ${minor} writes now fail`;
      }
      case 'leaderless':
        return `coordinators on each side reach only their own side's replicas: levels that need a replica across the cut (QUORUM, ALL, EACH_QUORUM) fail where too few are left, ONE and LOCAL levels keep working, and hints queue for ${aName}`;
      case 'multi-leader':
        return `both sides keep accepting writes; they diverge until the heal, when ${r.resolver} resolves the conflicts`;
      case 'single-copy': {
        const owner = leader ?? this.topology.nodes[0]?.id ?? '';
        const [has, hasNot] = a.includes(owner) ? [aName, bName] : [bName, aName];
        return `the single copy (${owner}) is in ${has}; ${hasNot} requests now fail`;
      }
    }
  }

  /** A side's regions when it is whole regions, else its replicas. */
  private sideName(nodes: readonly string[]): string {
    const regions = this.topology.regions.filter((r) => r.nodes.length > 0);
    const whole = regions.filter((r) => r.nodes.every((n) => nodes.includes(n)));
    const covered = whole.flatMap((r) => r.nodes);
    if (covered.length === nodes.length) return whole.map((r) => r.name).join(', ');
    return nodes.join(', ');
  }
}

function oneWayWords(a: readonly string[]): string {
  return `messages from ${a.join(', ')} are dropped one way: replies and heartbeats are lost while requests still arrive, which can start needless elections`;
}
