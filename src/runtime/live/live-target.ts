import {
  UnsupportedFault,
  type AddedDelay,
  type FaultHandle,
  type FaultTarget,
} from '../../faults/target';
import type { NemesisRecord, PartitionMode } from '../../faults/types';
import { FabricFaultError, type FaultId } from '../../proxy/fabric';
import type { Topology } from '../../topology';
import type { Value } from '../../workload/history';
import { RoleBook } from '../sim/sim-target';
import type { Cluster } from './cluster';

/** A nemesis marker as it played live, at `timeMs` on the target's clock. */
export interface LiveNemesisRecord extends NemesisRecord {
  readonly timeMs: number;
}

export interface LiveFaultTargetOptions {
  /** Told about a fault that failed while it played (the fabric, a process): never thrown. */
  readonly warn?: (message: string) => void;
  /** The clock `now()` reads, in ms (default: performance.now). */
  readonly clock?: () => number;
}

/**
 * A started live cluster as a fault target: scenarios play on it as in the simulator
 * (sim-target.ts). The interface is synchronous and the fabric and processes are not, so
 * every fault is queued and runs in call order, one at a time; `settled()` resolves once the
 * queue is empty, and a failure goes to `warn`, never to an unhandled rejection.
 *
 * Handles are the target's own numbers, known at once; each names the fabric fault its queued
 * call started, so `heal(handles)` lifts those faults alone (`Fabric.remove`). Message loss
 * and clock drift are not supported live (UnsupportedFault): TCP through Toxiproxy does not
 * lose messages, and a replica's clock can be stepped but not made to run at another rate.
 *
 * Feed `observe` with the cluster's `onEvent`, so that `leader()` knows who says it leads.
 */
export class LiveFaultTarget implements FaultTarget {
  /** The nemesis markers, in the order they were recorded. */
  readonly records: LiveNemesisRecord[] = [];
  private readonly roles = new RoleBook();
  private readonly startedAt: number;
  private readonly clock: () => number;
  private readonly warn: (message: string) => void;
  private tail: Promise<void> = Promise.resolve();
  private nextHandle = 1;
  /** The fabric fault each handle started (absent until its call ran, or if it failed). */
  private readonly faults = new Map<number, FaultId>();
  /** Killed or paused by this target, and not yet restarted or resumed. */
  private readonly down = new Set<string>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly cluster: Cluster,
    private readonly topology: Topology,
    options: LiveFaultTargetOptions = {},
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.warn = options.warn ?? (() => undefined);
    this.startedAt = this.clock();
  }

  /** Pass each of the cluster's events here (its `onEvent`): role changes name the leader. */
  observe(node: string, event: unknown): void {
    if (typeof event !== 'object' || event === null) return;
    const e = event as { kind?: unknown; role?: unknown; term?: unknown };
    if (e.kind !== 'role' || typeof e.role !== 'string') return;
    this.roles.observe(node, e.role, typeof e.term === 'number' ? e.term : 0);
  }

  /** Resolves once every fault queued so far has been applied (or has failed and warned). */
  async settled(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.tail) {
      seen = this.tail;
      await seen;
    }
  }

  now(): number {
    return this.clock() - this.startedAt;
  }

  allNodes(): string[] {
    return this.topology.nodes.map((n) => n.id);
  }

  nodesOf(names: readonly string[]): string[] {
    return this.topology.nodes
      .filter((n) => names.includes(n.id) || names.includes(n.region))
      .map((n) => n.id);
  }

  regionOf(node: string): string {
    return this.topology.nodes.find((n) => n.id === node)?.region ?? node;
  }

  leader(): string | undefined {
    return this.roles.leader(
      (node) => !this.down.has(node) && !this.paused.has(node) && this.cluster.isRunning(node),
    );
  }

  partition(
    a: readonly string[],
    b: readonly string[] | undefined,
    options: { readonly mode: PartitionMode; readonly oneWay: boolean },
  ): FaultHandle {
    const what = `partition ${a.join(' ')} / ${b === undefined ? 'the rest' : b.join(' ')}`;
    return this.fault(what, () =>
      this.cluster.fabric.partition([...a], b === undefined ? undefined : [...b], options),
    );
  }

  addLatency(from: readonly string[], to: readonly string[], delay: AddedDelay): FaultHandle {
    // Toxiproxy's latency toxic draws its jitter uniformly: other distributions play as that.
    return this.fault(`latency ${from.join(' ')} → ${to.join(' ')}`, () =>
      this.cluster.fabric.addLatency([...from], [...to], delay.addMs, delay.jitterMs),
    );
  }

  limitBandwidth(from: readonly string[], to: readonly string[], rateKBps: number): FaultHandle {
    return this.fault(`bandwidth ${from.join(' ')} → ${to.join(' ')}`, () =>
      this.cluster.fabric.limitBandwidth([...from], [...to], rateKBps),
    );
  }

  setLoss(): FaultHandle {
    throw new UnsupportedFault(
      'message loss is not supported live (TCP through Toxiproxy does not lose messages)',
    );
  }

  heal(handles?: readonly FaultHandle[]): void {
    if (handles === undefined) {
      this.enqueue('heal', () => this.cluster.fabric.heal());
      return;
    }
    const mine = handles.flat();
    this.enqueue(`heal ${mine.join(' ')}`, () => {
      const ids: FaultId[] = [];
      for (const h of mine) {
        const id = this.faults.get(h);
        if (id !== undefined) ids.push(id);
        this.faults.delete(h);
      }
      return this.cluster.fabric.remove(ids);
    });
  }

  kill(node: string): void {
    this.down.add(node);
    this.paused.delete(node);
    this.enqueue(`kill ${node}`, () => this.cluster.kill(node, 'SIGKILL'));
  }

  restart(node: string): void {
    this.down.delete(node);
    this.enqueue(`restart ${node}`, async () => {
      if (this.cluster.isRunning(node)) return;
      // Not waiting for its links: a replica may restart behind a partition.
      await this.cluster.restartNode(node, { linked: false });
    });
  }

  pause(node: string): void {
    this.paused.add(node);
    this.enqueue(`pause ${node}`, () => this.signal(node, 'SIGSTOP'));
  }

  resume(node: string): void {
    this.paused.delete(node);
    this.enqueue(`resume ${node}`, () => this.signal(node, 'SIGCONT'));
  }

  skewClock(node: string, ms: number): void {
    this.enqueue(`skew ${node} ${ms}ms`, () => {
      this.cluster.skewClock(node, ms);
      return Promise.resolve();
    });
  }

  driftClock(node: string, drift: number): void {
    // Taking a drift back (0) is a no-op: no drift was ever applied.
    if (drift === 0) return;
    throw new UnsupportedFault(
      'clock drift is not supported live (a replica’s clock can be stepped, not slowed or sped up)',
    );
  }

  record(f: string, value: Value): void {
    this.records.push({ f, value, timeMs: this.now() });
  }

  private fault(what: string, start: () => Promise<FaultId>): FaultHandle {
    const handle = this.nextHandle++;
    this.enqueue(what, async () => {
      try {
        this.faults.set(handle, await start());
      } catch (err) {
        // What it did put is still lifted by heal(handles).
        if (err instanceof FabricFaultError) this.faults.set(handle, err.id);
        throw err;
      }
    });
    return [handle];
  }

  private signal(node: string, signal: NodeJS.Signals): Promise<void> {
    if (!this.cluster.isRunning(node)) return Promise.resolve();
    const pid = this.cluster.nodes().find((n) => n.id === node)?.pid ?? 0;
    if (pid > 0) process.kill(pid, signal);
    return Promise.resolve();
  }

  private enqueue(what: string, run: () => Promise<void>): void {
    this.tail = this.tail.then(run).catch((err: unknown) => {
      this.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
