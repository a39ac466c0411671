import type { Rng } from '../core/random';
import { UnsupportedFault, type FaultTarget, type Scheduler } from './target';
import type { FaultWindow, NemesisFault, NemesisSpec, PartitionMode } from './types';

/**
 * A seeded random nemesis, after Jepsen's: one fault at a time, each held
 * for a random while and then undone, with quiet gaps between. Partitions cut links between
 * replicas only (each region's clients keep reaching their local replica, as when the links
 * between datacenters fail), in Jepsen's shapes: halves, one-way, majorities ring, bridge,
 * isolating one replica. Process faults crash and restart, or pause and resume, a replica;
 * clock faults step or drift one replica's clock. Every fault and heal is recorded in the
 * history as a nemesis event, so checkers know when the last fault ended.
 */
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
  target: FaultTarget,
  scheduler: Scheduler,
  rng: Rng,
  spec: NemesisSpec,
  warn: (message: string) => void = () => undefined,
): FaultWindow[] {
  const faults = spec.faults;
  // A fault this target cannot play (clock drift live) is skipped with a warning, once per
  // kind. It used to throw from a timer: the first clock drift of a live random nemesis
  // killed `geolab run` ten minutes into a soak.
  const warned = new Set<string>();
  const guarded: Scheduler = {
    at: (ms, action) =>
      scheduler.at(ms, () => {
        try {
          action();
        } catch (e) {
          if (!(e instanceof UnsupportedFault)) throw e;
          if (!warned.has(e.message)) warn(`nemesis: ${e.message}; skipped`);
          warned.add(e.message);
        }
      }),
  };
  const nodes = target.allNodes();
  const steps: FaultWindow[] = [];
  for (const track of [
    faults.filter((f) => NETWORK_FAULTS.has(f)),
    faults.filter((f) => !NETWORK_FAULTS.has(f)),
  ]) {
    if (track.length === 0) continue;
    steps.push(...scheduleTrack(target, guarded, rng.fork(track[0]), nodes, track, spec));
  }
  return steps.sort((a, b) => a.startMs - b.startMs);
}

function scheduleTrack(
  target: FaultTarget,
  scheduler: Scheduler,
  rng: Rng,
  nodes: readonly string[],
  faults: readonly NemesisFault[],
  spec: NemesisSpec,
): FaultWindow[] {
  const [minFault, maxFault] = spec.faultMs;
  const [minGap, maxGap] = spec.gapMs;
  const steps: FaultWindow[] = [];
  let t = spec.fromMs + between(rng, minGap, maxGap);
  while (t < spec.untilMs) {
    const endMs = Math.min(spec.untilMs, t + between(rng, minFault, maxFault));
    const fault = faults[rng.below(faults.length)];
    const detail = play(target, scheduler, rng, nodes, fault, t, endMs);
    steps.push({ name: `nemesis-${steps.length + 1}`, kind: fault, detail, startMs: t, endMs });
    t = endMs + between(rng, minGap, maxGap);
  }
  return steps;
}

function between(rng: Rng, lo: number, hi: number): number {
  return Math.round(lo + rng.next() * (hi - lo));
}

/** Schedules one fault over [start, end]; returns its description. */
function play(
  target: FaultTarget,
  scheduler: Scheduler,
  rng: Rng,
  nodes: readonly string[],
  fault: NemesisFault,
  start: number,
  end: number,
): string {
  const mode: PartitionMode = rng.next() < 0.3 ? 'hold' : 'blackhole';
  const cut = (
    pairs: readonly (readonly [readonly string[], readonly string[]])[],
    oneWay = false,
  ) => {
    const handles: (readonly number[])[] = [];
    scheduler.at(start, () => {
      target.record(`start-${fault}`, describe(pairs));
      for (const [a, b] of pairs) handles.push(target.partition(a, b, { mode, oneWay }));
    });
    scheduler.at(end, () => {
      target.heal(handles);
      target.record('heal', null);
    });
  };
  const shuffled = shuffle(rng, nodes);
  // Process and clock faults pick their target when they start: the leader, half the time.
  const targetLeader = rng.next() < 0.5;
  let one = shuffled[0];
  const pick = (): string => {
    one = (targetLeader ? target.leader() : undefined) ?? shuffled[0];
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
      scheduler.at(start, () => {
        target.record('kill', pick());
        target.kill(one);
      });
      scheduler.at(end, () => {
        target.restart(one);
        target.record('recover', one);
      });
      return `crash ${targetLeader ? 'the leader' : one}`;
    case 'pause':
      scheduler.at(start, () => {
        target.record('pause', pick());
        target.pause(one);
      });
      scheduler.at(end, () => {
        target.resume(one);
        target.record('resume', one);
      });
      return `pause ${targetLeader ? 'the leader' : one}`;
    case 'clock-skew': {
      const max = 5000;
      const ms = Math.round((rng.next() * 2 - 1) * max);
      scheduler.at(start, () => {
        target.record('clock-skew', { node: pick(), ms });
        target.skewClock(one, ms);
      });
      scheduler.at(end, () => {
        target.skewClock(one, -ms);
        target.record('stop', one);
      });
      return `skew ${targetLeader ? 'the leader' : one} by ${ms}ms`;
    }
    case 'clock-drift': {
      const max = 0.5;
      const drift = Math.round((rng.next() * 2 - 1) * max * 1000) / 1000;
      scheduler.at(start, () => {
        target.record('clock-drift', { node: pick(), drift });
        target.driftClock(one, drift);
      });
      scheduler.at(end, () => {
        target.driftClock(one, 0);
        target.record('stop', one);
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
