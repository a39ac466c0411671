import { Rng } from '../core/random';
import { scheduleNemesis } from './nemesis';
import { UnsupportedFault, type FaultHandle, type FaultTarget, type Scheduler } from './target';
import type { FaultAction, FaultWindow, GroupRef, LinkRef, Scenario, ScenarioStep } from './types';

export interface PlayOptions {
  /** The nemesis's random stream; default: from the scenario's seed (the caller forks it). */
  readonly rng?: Rng;
  /** Told about faults that could not be played (a missing leader, loss on a live run). */
  readonly warn?: (message: string) => void;
}

/**
 * Schedule a scenario's steps (and its nemesis) against a target. Returns the fault windows,
 * filled in as faults start and end, for reports to shade. Leader targets are resolved when
 * their step runs, so `kill: leader` hits whoever leads then.
 */
export function playScenario(
  scenario: Scenario,
  target: FaultTarget,
  scheduler: Scheduler,
  options: PlayOptions = {},
): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const player = new Player(target, scheduler, windows, options.warn ?? (() => undefined));
  for (const step of scenario.steps) scheduler.at(step.atMs, () => player.start(step));
  if (scenario.nemesis) {
    // Live runs used to pass no stream and so played no nemesis at all (found by the soak).
    const rng = options.rng ?? new Rng(`nemesis:${scenario.nemesis.seed}`);
    for (const w of scheduleNemesis(target, scheduler, rng, scenario.nemesis, options.warn))
      windows.push(w);
  }
  return windows;
}

/** The faults a step started, to undo them. */
interface Started {
  readonly window: FaultWindow;
  readonly handles: FaultHandle[];
  readonly nodes: string[];
  readonly undo: () => void;
}

class Player {
  private readonly started = new Map<string, Started>();

  constructor(
    private readonly target: FaultTarget,
    private readonly scheduler: Scheduler,
    private readonly windows: FaultWindow[],
    private readonly warn: (message: string) => void,
  ) {}

  start(step: ScenarioStep): void {
    let started: Started | undefined;
    try {
      started = this.act(step);
    } catch (e) {
      if (!(e instanceof UnsupportedFault)) throw e;
      this.warn(`${step.name}: ${e.message}; skipped`);
      return;
    }
    if (!started) return;
    this.started.set(step.name, started);
    if (step.forMs !== undefined) {
      this.scheduler.at(step.atMs + step.forMs, () => this.stop(step.name));
    }
  }

  private stop(name: string): void {
    const s = this.started.get(name);
    if (!s || s.window.endMs !== undefined) return;
    s.undo();
    s.window.endMs = this.target.now();
  }

  private open(
    step: ScenarioStep,
    detail: string,
    handles: FaultHandle[],
    nodes: string[],
    undo: () => void,
  ): Started {
    const window: FaultWindow = {
      name: step.name,
      kind: step.action.kind,
      detail,
      startMs: this.target.now(),
    };
    this.windows.push(window);
    return { window, handles, nodes, undo };
  }

  private act(step: ScenarioStep): Started | undefined {
    const a = step.action;
    const t = this.target;
    switch (a.kind) {
      case 'partition': {
        const groupA = this.names(a.a, step);
        const groupB = a.b === undefined ? undefined : this.names(a.b, step);
        if (!groupA || (a.b !== undefined && !groupB)) return undefined;
        const detail = `${a.mode}${a.oneWay ? ' one-way' : ''} ${show(groupA)} ${a.oneWay ? '→' : '/'} ${groupB ? show(groupB) : 'the rest'}`;
        t.record('start-partition', detail);
        const handle = t.partition(groupA, groupB, { mode: a.mode, oneWay: a.oneWay });
        return this.open(step, detail, [handle], [], () => this.healHandles([handle]));
      }
      case 'heal':
        this.heal(a.step, step);
        return undefined;
      case 'latency':
      case 'bandwidth':
      case 'loss': {
        const ends = this.link(a.link, step);
        if (!ends) return undefined;
        const handles: FaultHandle[] = [];
        const add = (from: string[], to: string[]) => handles.push(this.linkFault(a, from, to));
        add(ends.from, ends.to);
        if (a.link.bothWays) add(ends.to, ends.from);
        const what =
          a.kind === 'latency'
            ? `+${a.addMs}ms${a.jitterMs > 0 ? ` ±${a.jitterMs}ms` : ''}`
            : a.kind === 'bandwidth'
              ? `${a.rateKBps} KB/s`
              : `${Math.round(a.rate * 100)}% loss`;
        const detail = `${a.kind} ${what} ${show(ends.from)} ${a.link.bothWays ? '↔' : '→'} ${show(ends.to)}`;
        t.record(`start-${a.kind}`, detail);
        return this.open(step, detail, handles, [], () => this.healHandles(handles));
      }
      case 'kill':
      case 'pause': {
        const nodes = this.nodes(a.target, step);
        if (!nodes) return undefined;
        t.record(a.kind, nodes);
        const [stop, start] = a.kind === 'kill' ? [t.kill, t.restart] : [t.pause, t.resume];
        for (const n of nodes) stop.call(t, n);
        const undo = () => {
          for (const n of nodes) start.call(t, n);
          t.record(a.kind === 'kill' ? 'recover' : 'resume', nodes);
        };
        return this.open(step, `${a.kind} ${nodes.join(' ')}`, [], nodes, undo);
      }
      case 'restart':
      case 'resume': {
        const nodes = this.nodes(a.target, step);
        if (!nodes) return undefined;
        const start = a.kind === 'restart' ? t.restart : t.resume;
        for (const n of nodes) start.call(t, n);
        t.record(a.kind === 'restart' ? 'recover' : 'resume', nodes);
        this.closeProcessWindows(nodes, a.kind === 'restart' ? 'kill' : 'pause');
        return undefined;
      }
      case 'clock':
        return this.clock(a, step);
    }
  }

  private clock(
    a: Extract<FaultAction, { kind: 'clock' }>,
    step: ScenarioStep,
  ): Started | undefined {
    const t = this.target;
    const nodes = this.nodes(a.target, step);
    if (!nodes) return undefined;
    if (a.skewMs !== undefined) {
      const ms = a.skewMs;
      for (const n of nodes) t.skewClock(n, ms);
      t.record('clock-skew', { nodes, ms });
      return this.open(
        step,
        `clock ${nodes.join(' ')} ${ms >= 0 ? '+' : ''}${ms}ms`,
        [],
        nodes,
        () => {
          for (const n of nodes) t.skewClock(n, -ms);
          t.record('stop', nodes);
        },
      );
    }
    if (a.drift !== undefined) {
      const drift = a.drift;
      for (const n of nodes) t.driftClock(n, drift);
      t.record('clock-drift', { nodes, drift });
      return this.open(step, `clock ${nodes.join(' ')} drift ${drift}`, [], nodes, () => {
        for (const n of nodes) t.driftClock(n, 0);
        t.record('stop', nodes);
      });
    }
    const strobe = a.strobe;
    if (!strobe || step.forMs === undefined) return undefined;
    // Flip ahead and back every period until the step ends; an odd number of flips leaves the
    // clock ahead, which the undo takes back.
    let ahead = false;
    let running = true;
    const flip = () => {
      if (!running) return;
      ahead = !ahead;
      for (const n of nodes) t.skewClock(n, ahead ? strobe.deltaMs : -strobe.deltaMs);
      this.scheduler.at(t.now() + strobe.periodMs, flip);
    };
    t.record('clock-strobe', { nodes, delta: strobe.deltaMs, period: strobe.periodMs });
    flip();
    return this.open(
      step,
      `clock ${nodes.join(' ')} strobe ±${strobe.deltaMs}ms every ${strobe.periodMs}ms`,
      [],
      nodes,
      () => {
        running = false;
        if (ahead) for (const n of nodes) t.skewClock(n, -strobe.deltaMs);
        t.record('stop', nodes);
      },
    );
  }

  private linkFault(
    a: Extract<FaultAction, { kind: 'latency' | 'bandwidth' | 'loss' }>,
    from: string[],
    to: string[],
  ): FaultHandle {
    switch (a.kind) {
      case 'latency':
        return this.target.addLatency(from, to, a);
      case 'bandwidth':
        return this.target.limitBandwidth(from, to, a.rateKBps);
      case 'loss':
        return this.target.setLoss(from, to, a.rate);
    }
  }

  private heal(stepName: string | undefined, step: ScenarioStep): void {
    if (stepName === undefined) {
      this.target.heal();
      for (const s of this.started.values()) {
        if (s.handles.length > 0 && s.window.endMs === undefined)
          s.window.endMs = this.target.now();
      }
      this.target.record('heal', null);
      return;
    }
    // Inside a repeat, a name refers to the step of the same round.
    const round = step.name.split('#')[1];
    const name = this.started.has(stepName) ? stepName : `${stepName}#${round ?? ''}`;
    this.stop(name);
  }

  private healHandles(handles: readonly FaultHandle[]): void {
    this.target.heal(handles);
    this.target.record('heal', null);
  }

  private closeProcessWindows(nodes: readonly string[], kind: 'kill' | 'pause'): void {
    for (const s of this.started.values()) {
      if (
        s.window.kind === kind &&
        s.window.endMs === undefined &&
        s.nodes.some((n) => nodes.includes(n))
      ) {
        s.window.endMs = this.target.now();
      }
    }
  }

  private link(link: LinkRef, step: ScenarioStep): { from: string[]; to: string[] } | undefined {
    const from = this.names(link.from, step);
    const to = this.names(link.to, step);
    return from && to ? { from, to } : undefined;
  }

  /** Region names and node ids a group stands for now. */
  private names(ref: GroupRef, step: ScenarioStep): string[] | undefined {
    if ('names' in ref) return [...ref.names];
    const leader = this.target.leader();
    if (leader === undefined) {
      this.warn(`${step.name} (line ${step.line}): no leader to target; skipped`);
      return undefined;
    }
    return [ref.leader === 'node' ? leader : this.target.regionOf(leader)];
  }

  private nodes(ref: GroupRef, step: ScenarioStep): string[] | undefined {
    const names = this.names(ref, step);
    return names && this.target.nodesOf(names);
  }
}

function show(group: readonly string[]): string {
  return group.length === 1 ? group[0] : `[${group.join(' ')}]`;
}
