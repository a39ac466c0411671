import type { Rng } from '../../core/random';
import type { Topology } from '../../topology';
import type { PartitionMode } from './network';
import type { Simulation } from './simulation';

/**
 * A seeded random nemesis for the simulator, after Jepsen's: one fault at a time, each held
 * for a random while and then undone, with quiet gaps between. Partitions cut links between
 * replicas only (each region's clients keep reaching their local replica, as when the links
 * between datacenters fail), in Jepsen's shapes: halves, one-way, majorities ring, bridge,
 * isolating one replica. Process faults crash and restart, or pause and resume, a replica;
 * clock faults step or drift one replica's clock. Every fault and heal is recorded in the
 * history as a nemesis event, so checkers know when the last fault ended.
 */
export type NemesisFault =
  | 'partition-halves'
  | 'partition-one-way'
  | 'majorities-ring'
  | 'bridge'
  | 'isolate-one'
  | 'crash'
  | 'pause'
  | 'clock-skew'
  | 'clock-drift';

export const NEMESIS_FAULTS: readonly NemesisFault[] = [
  'partition-halves',
  'partition-one-way',
  'majorities-ring',
  'bridge',
  'isolate-one',
  'crash',
  'pause',
  'clock-skew',
  'clock-drift',
];

export interface NemesisOptions {
  /** When the first fault may start and when the last must be undone (virtual ms). */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly faults?: readonly NemesisFault[];
  /** How long a fault lasts, and the quiet between two (ms). */
  readonly faultMs?: readonly [number, number];
  readonly gapMs?: readonly [number, number];
  /** Largest clock step, either way (ms), and largest drift (a fraction: 0.5 = 50% fast). */
  readonly maxSkewMs?: number;
  readonly maxDrift?: number;
  /**
   * The replica that currently leads, if the mode has one: process faults then hit it half
   * the time, as Jepsen's nemeses target the leader, since that is where the bugs are.
   */
  readonly leader?: () => string | undefined;
}

/** One fault the nemesis played: what, on whom, and when. */
export interface NemesisStep {
  readonly fault: NemesisFault;
  readonly startMs: number;
  readonly endMs: number;
  readonly detail: string;
}

const NETWORK_FAULTS: ReadonlySet<NemesisFault> = new Set([
  'partition-halves',
  'partition-one-way',
  'majorities-ring',
  'bridge',
  'isolate-one',
]);

/**
 * Schedule random faults on `sim`; returns what it scheduled. Network faults and process or
 * clock faults play on two independent tracks, so they overlap: a leader crashing while a
 * partition holds is where elections pick the wrong log if a safety rule is missing.
 */
export function scheduleNemesis(
  sim: Simulation,
  topology: Topology,
  rng: Rng,
  options: NemesisOptions,
): NemesisStep[] {
  const faults = options.faults ?? NEMESIS_FAULTS;
  const nodes = topology.nodes.map((n) => n.id);
  const steps: NemesisStep[] = [];
  for (const track of [
    faults.filter((f) => NETWORK_FAULTS.has(f)),
    faults.filter((f) => !NETWORK_FAULTS.has(f)),
  ]) {
    if (track.length === 0) continue;
    steps.push(...scheduleTrack(sim, rng.fork(track[0]), nodes, track, options));
  }
  return steps.sort((a, b) => a.startMs - b.startMs);
}

function scheduleTrack(
  sim: Simulation,
  rng: Rng,
  nodes: readonly string[],
  faults: readonly NemesisFault[],
  options: NemesisOptions,
): NemesisStep[] {
  const [minFault, maxFault] = options.faultMs ?? [1000, 4000];
  const [minGap, maxGap] = options.gapMs ?? [300, 1500];
  const steps: NemesisStep[] = [];
  let t = options.fromMs + between(rng, minGap, maxGap);
  while (t < options.untilMs) {
    const endMs = Math.min(options.untilMs, t + between(rng, minFault, maxFault));
    const fault = faults[rng.below(faults.length)];
    const detail = play(sim, rng, nodes, fault, t, endMs, options);
    steps.push({ fault, startMs: t, endMs, detail });
    t = endMs + between(rng, minGap, maxGap);
  }
  return steps;
}

function between(rng: Rng, lo: number, hi: number): number {
  return Math.round(lo + rng.next() * (hi - lo));
}

/** Schedules one fault over [start, end]; returns its description. */
function play(
  sim: Simulation,
  rng: Rng,
  nodes: readonly string[],
  fault: NemesisFault,
  start: number,
  end: number,
  options: NemesisOptions,
): string {
  const mode: PartitionMode = rng.next() < 0.3 ? 'hold' : 'blackhole';
  const cut = (
    pairs: readonly (readonly [readonly string[], readonly string[]])[],
    oneWay = false,
  ) => {
    const ids: number[] = [];
    sim.at(start, () => {
      sim.recordNemesis(`start-${fault}`, describe(pairs));
      for (const [a, b] of pairs) ids.push(...sim.network.partition(a, b, { mode, oneWay }));
    });
    sim.at(end, () => {
      sim.heal(ids);
      sim.recordNemesis('heal');
    });
  };
  const shuffled = shuffle(rng, nodes);
  // Process and clock faults pick their target when they start: the leader, half the time.
  const targetLeader = options.leader !== undefined && rng.next() < 0.5;
  let one = shuffled[0];
  const pick = (): string => {
    one = (targetLeader ? options.leader?.() : undefined) ?? shuffled[0];
    return one;
  };
  switch (fault) {
    case 'partition-halves': {
      const half = Math.floor(nodes.length / 2);
      const pairs = [[shuffled.slice(0, half), shuffled.slice(half)]] as const;
      cut(pairs);
      return `${mode} ${describe(pairs)}`;
    }
    case 'partition-one-way': {
      const k = 1 + rng.below(Math.max(1, nodes.length - 1));
      const pairs = [[shuffled.slice(0, k), shuffled.slice(k)]] as const;
      cut(pairs, true);
      return `${mode} one-way ${describe(pairs)}`;
    }
    case 'majorities-ring': {
      // Each replica sees a majority (itself and its nearest neighbours on the ring), and no
      // two see the same one (Jepsen's majorities-ring).
      const reach = Math.floor(Math.floor(nodes.length / 2) / 2) || 1;
      const pairs: [string[], string[]][] = [];
      for (let i = 0; i < shuffled.length; i++) {
        for (let j = i + 1; j < shuffled.length; j++) {
          const d = Math.min(j - i, shuffled.length - (j - i));
          if (d > reach) pairs.push([[shuffled[i]], [shuffled[j]]]);
        }
      }
      cut(pairs);
      return `${mode} ring ${shuffled.join('-')}`;
    }
    case 'bridge': {
      // Two halves that cannot talk, and one replica that talks to both.
      const half = Math.floor((nodes.length - 1) / 2);
      const pairs = [[shuffled.slice(1, 1 + half), shuffled.slice(1 + half)]] as const;
      cut(pairs);
      return `${mode} bridge ${one}: ${describe(pairs)}`;
    }
    case 'isolate-one': {
      const pairs = [[[one], shuffled.slice(1)]] as const;
      cut(pairs);
      return `${mode} ${describe(pairs)}`;
    }
    case 'crash':
      sim.at(start, () => {
        sim.recordNemesis('kill', pick());
        sim.crash(one);
      });
      sim.at(end, () => {
        sim.restart(one);
        sim.recordNemesis('recover', one);
      });
      return `crash ${targetLeader ? 'the leader' : one}`;
    case 'pause':
      sim.at(start, () => {
        sim.recordNemesis('pause', pick());
        sim.pause(one);
      });
      sim.at(end, () => {
        sim.resume(one);
        sim.recordNemesis('resume', one);
      });
      return `pause ${targetLeader ? 'the leader' : one}`;
    case 'clock-skew': {
      const max = options.maxSkewMs ?? 5000;
      const ms = Math.round((rng.next() * 2 - 1) * max);
      sim.at(start, () => {
        sim.recordNemesis('clock-skew', { node: pick(), ms });
        sim.skewClock(one, ms);
      });
      sim.at(end, () => {
        sim.skewClock(one, -ms);
        sim.recordNemesis('stop', one);
      });
      return `skew ${targetLeader ? 'the leader' : one} by ${ms}ms`;
    }
    case 'clock-drift': {
      const max = options.maxDrift ?? 0.5;
      const drift = Math.round((rng.next() * 2 - 1) * max * 1000) / 1000;
      sim.at(start, () => {
        sim.recordNemesis('clock-drift', { node: pick(), drift });
        sim.driftClock(one, drift);
      });
      sim.at(end, () => {
        sim.driftClock(one, 0);
        sim.recordNemesis('stop', one);
      });
      return `drift ${targetLeader ? 'the leader' : one} by ${drift}`;
    }
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function describe(pairs: readonly (readonly [readonly string[], readonly string[]])[]): string {
  return pairs.map(([a, b]) => `[${a.join(' ')}] / [${b.join(' ')}]`).join(', ');
}
