import type { FaultHandle, FaultTarget } from '../../faults/target';
import type { DelayDistribution } from '../../faults/types';
import type { Topology } from '../../topology';
import type { Value } from '../../workload/history';
import { linkDelay } from './delay';
import type { Simulation } from './simulation';

/**
 * Who says it leads, from the replicas' role events (feed it Simulation's `onEvent`, which
 * starts firing while the Simulation is being built, before any target exists).
 */
export class RoleBook {
  private readonly roles = new Map<string, { role: string; term: number }>();

  observe(node: string, role: string, term: number): void {
    this.roles.set(node, { role, term });
  }

  /** The leader or primary of the highest term among the nodes `isUp` accepts. */
  leader(isUp: (node: string) => boolean): string | undefined {
    let best: [string, number] | undefined;
    for (const [node, r] of this.roles) {
      const leads = r.role === 'leader' || r.role === 'primary';
      if (leads && isUp(node) && (!best || r.term > best[1])) best = [node, r.term];
    }
    return best?.[0];
  }
}

/**
 * The simulator as a fault target: scenarios and the nemesis act on it exactly as on a live
 * cluster. `leader` is who last said it leads, among replicas that are up.
 */
export class SimFaultTarget implements FaultTarget {
  constructor(
    private readonly sim: Simulation,
    private readonly topology: Topology,
    private readonly roles: RoleBook,
  ) {}

  now(): number {
    return this.sim.now;
  }

  allNodes(): string[] {
    return this.topology.nodes.map((n) => n.id);
  }

  nodesOf(names: readonly string[]): string[] {
    const out: string[] = [];
    for (const n of this.topology.nodes) {
      if (names.includes(n.id) || names.includes(n.region)) out.push(n.id);
    }
    return out;
  }

  regionOf(node: string): string {
    return this.topology.nodes.find((n) => n.id === node)?.region ?? node;
  }

  leader(): string | undefined {
    return this.roles.leader((node) => this.sim.stateOf(node) === 'up');
  }

  partition(
    a: readonly string[],
    b: readonly string[] | undefined,
    options: { readonly mode: 'blackhole' | 'hold' | 'refuse'; readonly oneWay: boolean },
  ): FaultHandle {
    return this.sim.network.partition(a, b, options);
  }

  addLatency(
    from: readonly string[],
    to: readonly string[],
    delay: {
      readonly addMs: number;
      readonly jitterMs: number;
      readonly distribution: DelayDistribution;
    },
  ): FaultHandle {
    return [
      this.sim.network.addLatency(
        from,
        to,
        linkDelay(delay.addMs, delay.jitterMs, delay.distribution),
      ),
    ];
  }

  limitBandwidth(from: readonly string[], to: readonly string[], rateKBps: number): FaultHandle {
    return [this.sim.network.limitBandwidth(from, to, rateKBps)];
  }

  setLoss(from: readonly string[], to: readonly string[], rate: number): FaultHandle {
    return [this.sim.network.setLoss(from, to, rate)];
  }

  heal(handles?: readonly FaultHandle[]): void {
    this.sim.heal(handles === undefined ? undefined : handles.flat());
  }

  kill(node: string): void {
    this.sim.crash(node);
  }

  restart(node: string): void {
    this.sim.restart(node);
  }

  pause(node: string): void {
    this.sim.pause(node);
  }

  resume(node: string): void {
    this.sim.resume(node);
  }

  skewClock(node: string, ms: number): void {
    this.sim.skewClock(node, ms);
  }

  driftClock(node: string, drift: number): void {
    this.sim.driftClock(node, drift);
  }

  record(f: string, value: Value): void {
    this.sim.recordNemesis(f, value);
  }
}
