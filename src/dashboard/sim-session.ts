import { replicaMaker } from '../runtime/modes';
import { SimFaultTarget, RoleBook } from '../runtime/sim/sim-target';
import { Simulation } from '../runtime/sim/simulation';
import { driveWorkload } from '../runtime/sim/workload';
import type { ReplicaEvent } from '../core/events';
import type { Topology } from '../topology';
import type { HistoryOp } from '../workload/history';
import { FaultBoard } from './fault-board';
import { describeTopology } from './live-session';
import { OpStats } from './op-stats';
import type { Control, EventFrame, HelloFrame, StateFrame } from './protocol';
import { ReplicaBoard } from './replica-board';
import { EventLog, type DashboardSession } from './session';

export interface SimSessionOptions {
  readonly topology: Topology;
  readonly seed: number | string;
  /** Virtual ms per wall ms (default 1: real time). */
  readonly speed?: number;
  /** Wall ms between two advances of the simulation (default 50). */
  readonly tickMs?: number;
  /** Every history record and every replica event, besides the dashboard (metrics). */
  readonly onRecord?: (op: HistoryOp) => void;
  readonly onEvent?: (node: string, event: ReplicaEvent) => void;
}

/** What one `step` advances while paused (virtual ms). */
export const STEP_MS = 100;
/** The clients run "forever": ten years of virtual time. */
const FOREVER_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * The simulator on the dashboard, paced by a wall-clock timer: each tick runs the
 * simulation for `speed` × the wall time since the last one. Pause stops the pacing, step
 * advances 100 ms of virtual time, and speed changes the pace. Links show the configured
 * delay plus what faults added (the simulator's links have no other latency to measure).
 */
export class SimSession implements DashboardSession {
  readonly sim: Simulation;
  private readonly target: SimFaultTarget;
  private readonly log: EventLog;
  private readonly replicas: ReplicaBoard;
  private readonly faults: FaultBoard;
  private readonly stats: OpStats;
  private readonly timer: NodeJS.Timeout;
  private paused = false;
  private speed: number;
  private lastTick = performance.now();

  constructor(private readonly options: SimSessionOptions) {
    const { topology } = options;
    this.speed = options.speed ?? 1;
    // Built before the simulation, whose replicas emit events while it is being built.
    const log = new EventLog(() => this.sim?.now ?? 0);
    const stats = new OpStats(topology.regions.map((r) => r.name));
    const regionOf = (node: string) => topology.nodes.find((n) => n.id === node)?.region ?? node;
    const replicas = new ReplicaBoard(topology, log, (node) => stats.conflict(regionOf(node)));
    const roles = new RoleBook();
    this.log = log;
    this.stats = stats;
    this.replicas = replicas;
    this.sim = new Simulation({
      topology,
      seed: options.seed,
      replica: replicaMaker(topology),
      keepHistory: false,
      keepTrace: false,
      onHistory: (op) => {
        stats.record(op);
        options.onRecord?.(op);
      },
      onEvent: (node, _at, event) => {
        if (event.kind === 'role') roles.observe(node, event.role, event.term ?? 0);
        replicas.observe(node, event);
        options.onEvent?.(node, event);
      },
    });
    this.target = new SimFaultTarget(this.sim, topology, roles);
    this.faults = new FaultBoard(this.target, topology, log, () => this.target.leader());
    driveWorkload(this.sim, topology, this.sim.random('workload'), { durationMs: FOREVER_MS });
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 50);
  }

  hello(): HelloFrame {
    return {
      type: 'hello',
      runtime: 'sim',
      topology: describeTopology(this.options.topology),
      clock: 'virtual',
      measured:
        'the simulator reports each link’s configured round trip plus the latency faults added (not sampled)',
    };
  }

  snapshot(): StateFrame {
    const now = this.sim.now;
    const links = this.faults.links(() => null);
    const added = new Map(links.map((l) => [`${l.from}>${l.to}`, l.addedMs]));
    return {
      type: 'state',
      t: Math.round(now),
      nodes: this.replicas.nodes(
        (n) => this.sim.stateOf(n) === 'up',
        () => null,
      ),
      links: links.map((l) => ({
        ...l,
        measuredMs: l.cut
          ? null
          : l.configuredMs + l.addedMs + (added.get(`${l.to}>${l.from}`) ?? 0),
      })),
      stats: this.stats.stats(now),
      faults: this.faults.faults(),
      sim: { paused: this.paused, speed: this.speed },
    };
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    return this.log.onEvent(listener);
  }

  recentEvents(): readonly EventFrame[] {
    return this.log.events();
  }

  async control(control: Control): Promise<void> {
    if (control.type !== 'sim') {
      this.faults.apply(control);
      return;
    }
    if (control.speed !== undefined && control.speed !== this.speed) {
      this.speed = control.speed;
      this.log.say('info', `speed ${control.speed}× real time`);
    }
    if (control.action === 'pause' && !this.paused) {
      this.paused = true;
      this.log.say('info', 'paused');
    } else if (control.action === 'resume' && this.paused) {
      this.paused = false;
      this.lastTick = performance.now();
      this.log.say('info', 'resumed');
    } else if (control.action === 'step') {
      if (!this.paused) {
        this.paused = true;
        this.log.say('info', 'paused');
      }
      this.sim.runFor(STEP_MS);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.replicas.close();
  }

  private tick(): void {
    const wall = performance.now();
    const elapsed = wall - this.lastTick;
    this.lastTick = wall;
    if (this.paused) return;
    this.sim.runFor(elapsed * this.speed);
  }
}
