import {
  checkLinearizability,
  defaultModel,
  formatWitness,
  type LinearizabilityResult,
} from '../../checker/linearizability';
import { measureStaleness, findLostWrites, type LostWritesResult } from '../../checker/staleness';
import type { StalenessResult } from '../../checker/staleness';
import type { NodeId } from '../../core/ids';
import type { Json } from '../../core/json';
import type { ClientResult } from '../../core/messages/client';
import { sameCell } from '../../modes/leaderless/cell';
import type { LeaderlessConfig } from '../../modes/leaderless/config';
import { Leaderless } from '../../modes/leaderless/leaderless';
import { parseTopology, type Topology } from '../../topology';
import type { HistoryOp } from '../../workload/history';
import { leaderlessConfigOf } from '../leaderless-config';
import { Simulation, type SimClient } from './simulation';
import { driveWorkload } from './workload';

/**
 * The leaderless mode's fault stories (issue 8), as seeded simulations with their measurements:
 * the tests assert on them (test/modes/leaderless/) and `npm run bench:leaderless` prints them.
 *
 * - `partitionRun`: the largest region cut off from the rest for 20 s while clients of every
 *   region write and read at several levels; availability per region and level, stale reads,
 *   the time hinted handoff and anti-entropy take to converge every replica after the heal,
 *   and lost acknowledged writes. With `sloppy`, the same with Dynamo's sloppy quorum.
 * - `skewRun`: one replica's clock 500 ms fast under last-write-wins with wall-clock stamps
 *   (acknowledged writes lost) or with siblings (none lost).
 * - `serialSoakRun`: Paxos compare-and-set under contention, partitions, crashes and loss,
 *   checked for linearizability.
 * - `convergenceSoakRun`: quorum reads and writes under the same faults; every replica must
 *   end equal and nothing acknowledged may be lost.
 */

export function leaderlessTopology(yaml: string, name: string): Topology {
  const r = parseTopology(yaml, name);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** A simulation whose replicas stay reachable, for reading their state. */
export function leaderlessSim(
  topology: Topology,
  seed: number | string,
  tweak: (c: LeaderlessConfig) => LeaderlessConfig = (c) => c,
): { sim: Simulation; replicas: Map<string, Leaderless> } {
  const config = tweak(leaderlessConfigOf(topology));
  const replicas = new Map<string, Leaderless>();
  const sim = new Simulation({
    topology,
    seed,
    replica: (env, node) => {
      const r = new Leaderless(env, config);
      replicas.set(node, r);
      return r;
    },
  });
  return { sim, replicas };
}

/** Keys whose replicas do not all hold the same cell. */
export function divergentKeys(replicas: Map<string, Leaderless>, keys: Iterable<string>): string[] {
  const any = [...replicas.values()][0];
  const out: string[] = [];
  for (const key of keys) {
    const holders = any.placement.replicas(key).map((id) => replicas.get(id as NodeId));
    const first = holders[0]?.cell(key);
    if (holders.some((r) => !sameCell(r?.cell(key), first))) out.push(key);
  }
  return out;
}

/** A client that runs `next()`'s ops back to back, `gapMs` apart, from `from` until `until`. */
function loop(
  sim: Simulation,
  client: SimClient,
  from: number,
  until: number,
  gapMs: number,
  next: () => { op: Parameters<SimClient['invoke']>[0]; level: string },
  done?: (result: ClientResult, level: string, invokedAt: number) => void,
): void {
  const issue = (): void => {
    if (sim.now >= until) return;
    const { op, level } = next();
    const invokedAt = sim.now;
    client.invoke(op, { level }, (result) => {
      done?.(result, level, invokedAt);
      sim.at(sim.now + gapMs, issue);
    });
  };
  sim.at(from, issue);
}

/** One client reads every key in turn at `level`: the final reads the checkers judge by. */
function readEach(client: SimClient, keys: readonly string[], level: string): void {
  const list = [...keys];
  const next = (): void => {
    const key = list.shift();
    if (key !== undefined) client.invoke({ f: 'read', key }, { level }, next);
  };
  next();
}

/** Client completions counted by `f:type[:error]`. */
function outcomeCounts(history: readonly HistoryOp[]): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const h of history) {
    if (h.type === 'invoke' || typeof h.process !== 'number') continue;
    const k = `${h.f}:${h.type}${h.error === undefined ? '' : `:${String(h.error)}`}`;
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  return outcomes;
}

// ---- partition -------------------------------------------------------------------------

export const PARTITION_TOPOLOGY = `
name: leaderless-partition
regions:
  - { name: us-east-1, replicas: 4 }
  - { name: eu-west-1, replicas: 2 }
  - { name: ap-northeast-1, replicas: 2 }
latency: { preset: aws, jitter: 1ms }
replication:
  mode: leaderless
  replicationFactor: 2
  conflicts: lww
  timestamps: wall
  readRepair: blocking
  antiEntropyInterval: 5s
clients: { timeout: 3s }
`;

export const PARTITION_LEVELS = ['ONE', 'LOCAL_QUORUM', 'QUORUM', 'EACH_QUORUM'] as const;

export interface Availability {
  readonly ok: number;
  /** Definitely not done (`unavailable`: too few replicas up to even try). */
  readonly fail: number;
  /** Unknown (`timeout`: sent, not acknowledged by enough replicas in time). */
  readonly info: number;
  readonly total: number;
}

export interface PartitionResult {
  readonly largest: string;
  /** Region → level → writes and reads invoked while the partition held steady. */
  readonly availability: Record<
    string,
    Record<string, { write: Availability; read: Availability }>
  >;
  readonly staleness: StalenessResult;
  /** Stale reads (k ≥ 1) and reads measured, per level (of the keys written at that level). */
  readonly staleByLevel: Record<string, { readonly stale: number; readonly reads: number }>;
  readonly lostWrites: LostWritesResult;
  /** Acknowledged QUORUM writes lost (the issue: none). */
  readonly lostQuorumWrites: number;
  /** ms from the heal until every replica of every key held the same cell; null if never. */
  readonly convergenceMs: number | null;
  readonly history: readonly HistoryOp[];
}

export interface PartitionOptions {
  readonly seed: number;
  readonly sloppy: boolean;
  readonly partitionAtMs?: number;
  readonly healAtMs?: number;
  /** The hint window (a duration, `3h` by default): shorter than the partition, only anti-entropy heals. */
  readonly hintWindow?: string;
}

/**
 * The largest region (by replicas) is cut from the others, both ways, at `partitionAtMs`, and
 * healed at `healAtMs`. One writer and one reader per region and level run back to back: a
 * writer writes its own key (`LEVEL/region`, so each key has one writer and nothing it
 * acknowledged can be overwritten by anyone else); a reader reads the keys of its level from
 * every region in turn. Availability counts the ops invoked from 2 s into the partition (once
 * failure detection has marked the other side down) until 2 s before the heal. After the heal
 * writes stop; replicas are compared every 50 ms until all agree; then every region reads every
 * key, for the lost-writes check.
 */
export function partitionRun(options: PartitionOptions): PartitionResult {
  const partitionAt = options.partitionAtMs ?? 5000;
  const healAt = options.healAtMs ?? 25_000;
  const topology = leaderlessTopology(
    PARTITION_TOPOLOGY.replace(
      'conflicts: lww',
      `conflicts: lww\n  sloppyQuorum: ${options.sloppy}\n  hintWindow: ${options.hintWindow ?? '3h'}`,
    ),
    'leaderless-partition.yaml',
  );
  const { sim, replicas } = leaderlessSim(topology, options.seed);
  const regions = topology.regions.map((r) => r.name);
  const largest = [...topology.regions].sort((a, b) => b.nodes.length - a.nodes.length)[0].name;
  const rest = regions.filter((r) => r !== largest);
  const availability: PartitionResult['availability'] = {};
  const keys: string[] = [];
  let value = 0;
  const windowFrom = partitionAt + 2000;
  const windowTo = healAt - 2000;
  const count =
    (region: string, level: string, kind: 'write' | 'read') =>
    (result: ClientResult, _level: string, invokedAt: number): void => {
      if (invokedAt < windowFrom || invokedAt > windowTo) return;
      const cell = availability[region][level][kind] as Record<keyof Availability, number>;
      cell.total++;
      cell[result.type]++;
    };
  for (const region of regions) {
    availability[region] = {};
    for (const level of PARTITION_LEVELS) {
      const none = (): Availability => ({ ok: 0, fail: 0, info: 0, total: 0 });
      availability[region][level] = { write: none(), read: none() };
      const key = `${level}/${region}`;
      keys.push(key);
      loop(
        sim,
        sim.client(region),
        1000,
        healAt,
        100,
        () => ({ op: { f: 'write', key, value: ++value }, level }),
        count(region, level, 'write'),
      );
      let turn = 0;
      loop(
        sim,
        sim.client(region),
        1050,
        healAt,
        100,
        () => ({ op: { f: 'read', key: `${level}/${regions[turn++ % regions.length]}` }, level }),
        count(region, level, 'read'),
      );
    }
  }
  let ids: number[] = [];
  sim.at(partitionAt, () => {
    sim.recordNemesis('start-partition', [[largest], rest]);
    ids = sim.network.partition([largest], rest);
  });
  sim.at(healAt, () => {
    sim.heal(ids);
    sim.recordNemesis('heal');
  });
  let convergedAt: number | null = null;
  const watchUntil = healAt + 30_000;
  const watch = (): void => {
    if (divergentKeys(replicas, keys).length > 0) {
      convergedAt = null;
    } else if (convergedAt === null) {
      convergedAt = sim.now;
    }
    if (sim.now < watchUntil) sim.at(sim.now + 50, watch);
  };
  // Writes still in flight at the heal may land later and make keys diverge again: what is
  // reported is when they last came to agree.
  sim.at(healAt, watch);
  const finalAt = watchUntil + 100;
  sim.at(finalAt, () => {
    for (const region of regions) readEach(sim.client(region), keys, 'LOCAL_ONE');
  });
  sim.runUntil(finalAt + 10_000);
  const history = sim.history;
  const lostWrites = findLostWrites(history);
  const converged = convergedAt as number | null;
  return {
    largest,
    availability,
    staleness: measureStaleness(history),
    staleByLevel: Object.fromEntries(
      PARTITION_LEVELS.map((level) => {
        const summary = measureStaleness(
          history.filter((op) => op.key === undefined || String(op.key).startsWith(`${level}/`)),
        ).summary;
        return [level, { stale: summary.stale, reads: summary.reads }];
      }),
    ),
    lostWrites,
    lostQuorumWrites: lostWrites.lost.filter((l) => l.key.startsWith('QUORUM/')).length,
    convergenceMs: converged === null ? null : converged - healAt,
    history,
  };
}

// ---- clock skew ------------------------------------------------------------------------

export const SKEW_TOPOLOGY = `
name: leaderless-skew
regions:
  - { name: a, replicas: 3 }
latency: { intraRegionRtt: 2ms, jitter: 1ms }
replication:
  mode: leaderless
  replicationFactor: 3
  read: QUORUM
  write: QUORUM
  timestamps: wall
  readRepair: blocking
clients: { timeout: 2s }
`;

export interface SkewResult {
  readonly acknowledged: number;
  readonly lostWrites: LostWritesResult;
  /**
   * Acknowledged values absent from their key's final read. Under siblings (blind writers)
   * that is exactly what was lost; under last-write-wins every value but the winner is absent.
   */
  readonly missing: number;
  readonly history: readonly HistoryOp[];
}

/**
 * Replica a-n1's clock runs `skewMs` ahead. Key after key, every 300 ms, the three replicas'
 * clients each write it once, in turn: a-n1's first, b's 100 ms later, c's 100 ms after that;
 * then every key is read from each replica at ALL. All writes are blind (no read before), so
 * under siblings none may ever replace another; under last-write-wins the fast clock stamps
 * a-n1's write 500 ms into the future, and the two later writes, acknowledged, lose to it.
 */
export function skewRun(options: {
  readonly seed: number;
  readonly conflicts: 'lww' | 'siblings';
  /** Last-write-wins stamps: wall clocks (default) or hybrid logical clocks. */
  readonly timestamps?: 'wall' | 'hlc';
  readonly skewMs?: number;
  readonly keys?: number;
}): SkewResult {
  const topology = leaderlessTopology(
    SKEW_TOPOLOGY.replace(
      'timestamps: wall',
      `timestamps: ${options.timestamps ?? 'wall'}\n  conflicts: ${options.conflicts}`,
    ),
    'leaderless-skew.yaml',
  );
  const { sim } = leaderlessSim(topology, options.seed);
  const keys = Array.from({ length: options.keys ?? 30 }, (_, i) => `k${i}`);
  sim.at(0, () => {
    sim.skewClock('a-n1', options.skewMs ?? 500);
    sim.recordNemesis('clock-skew', { node: 'a-n1', ms: options.skewMs ?? 500 });
  });
  let value = 0;
  const writers = topology.nodes.map((n) => ({ node: n.id, clients: [] as SimClient[] }));
  keys.forEach((key, k) => {
    writers.forEach((writer, i) => {
      sim.at(200 + 300 * k + 100 * i, () => {
        // A fresh client per write: no op of the previous key may hold this one back.
        const client = sim.client('a', { node: writer.node });
        client.invoke({ f: 'write', key, value: ++value });
      });
    });
  });
  const readAt = 200 + 300 * keys.length + 3000;
  sim.at(readAt, () => {
    for (const node of topology.nodes) readEach(sim.client('a', { node: node.id }), keys, 'ALL');
  });
  sim.runUntil(readAt + 5000);
  const history = sim.history;
  const finals = new Map<string, Json>();
  for (const op of history)
    if (op.type === 'ok' && op.f === 'read' && op.time >= readAt)
      finals.set(String(op.key), op.value as Json);
  let acknowledged = 0;
  let missing = 0;
  for (const op of history) {
    if (op.type !== 'ok' || op.f !== 'write') continue;
    acknowledged++;
    const final = finals.get(String(op.key));
    const present = Array.isArray(final) ? final.includes(op.value as Json) : final === op.value;
    if (!present) missing++;
  }
  return { acknowledged, lostWrites: findLostWrites(history), missing, history };
}

// ---- serial (Paxos) soak -----------------------------------------------------------------

export const SERIAL_TOPOLOGY = `
name: leaderless-serial
regions:
  - { name: a, replicas: 1 }
  - { name: b, replicas: 1 }
  - { name: c, replicas: 1 }
latency:
  intraRegionRtt: 1ms
  jitter: 5ms
  links:
    - { between: [a, b], rtt: 20ms }
    - { between: [b, c], rtt: 20ms }
    - { between: [a, c], rtt: 40ms }
replication:
  mode: leaderless
  replicationFactor: 1
  serial: true
clients: { perRegion: 3, timeout: 2s }
workload:
  keys: 2
  concurrency: 1
  mix: { read: 0.4, write: 0.2, cas: 0.4 }
  levels: { read: SERIAL, write: SERIAL, cas: SERIAL }
`;

export interface SerialSoakResult {
  readonly seed: number;
  readonly verdict: LinearizabilityResult['verdict'];
  readonly witness?: string;
  /** Completions by `f:type[:error]`. */
  readonly outcomes: Record<string, number>;
  readonly historyJsonl: string;
}

/**
 * Paxos under contention and faults: nine clients on two keys, every read, write and cas at
 * SERIAL, while every 2 s one replica is isolated (blackhole or hold), crashed and restarted,
 * or every link loses 10% of its messages, for a second; the history must be linearizable.
 * This is what found that a preempted proposal may be chosen later (paxos.ts).
 */
export function serialSoakRun(seed: number, durationMs = 20_000): SerialSoakResult {
  const topology = leaderlessTopology(SERIAL_TOPOLOGY, 'leaderless-serial.yaml');
  const { sim } = leaderlessSim(topology, seed);
  driveWorkload(sim, topology, sim.random('workload'), { durationMs });
  scheduleFaults(
    sim,
    topology.nodes.map((n) => n.id),
    sim.random('faults'),
    durationMs,
  );
  sim.runUntil(durationMs + 4000);
  const history = sim.history;
  const result = checkLinearizability(history, defaultModel(history, 'jsonl'));
  return {
    seed,
    verdict: result.verdict,
    ...(result.witness ? { witness: formatWitness(result.witness) } : {}),
    outcomes: outcomeCounts(sim.history),
    historyJsonl: sim.historyJsonl(),
  };
}

/**
 * One fault every 2 s from 1 s until a second before `untilMs`, each lasting about a second:
 * a replica isolated (blackhole, or hold: its messages delivered late), a replica crashed and
 * restarted (unsynced writes lost), or 10% loss on every replica link. Marked in the history.
 */
function scheduleFaults(
  sim: Simulation,
  nodes: readonly string[],
  rng: ReturnType<Simulation['random']>,
  untilMs: number,
): void {
  for (let at = 1000; at < untilMs - 1000; at += 2000) {
    const node = nodes[rng.below(nodes.length)];
    const kind = rng.below(3);
    const hold = rng.next() < 0.5;
    sim.at(at, () => {
      if (kind === 0) {
        sim.recordNemesis('start-isolate', node);
        const ids = sim.network.isolate(node, hold ? 'hold' : 'blackhole');
        sim.at(at + 1000, () => {
          sim.heal(ids);
          sim.recordNemesis('heal');
        });
      } else if (kind === 1) {
        sim.recordNemesis('kill', node);
        sim.crash(node);
        sim.at(at + 800, () => {
          sim.restart(node);
          sim.recordNemesis('recover', node);
        });
      } else {
        sim.recordNemesis('start-loss', 0.1);
        const id = sim.network.setLoss(nodes, nodes, 0.1);
        sim.at(at + 1000, () => {
          sim.heal([id]);
          sim.recordNemesis('heal');
        });
      }
    });
  }
}

// ---- convergence soak ------------------------------------------------------------------

export const SOAK_TOPOLOGY = `
name: leaderless-soak
regions:
  - { name: us-east-1, replicas: 2 }
  - { name: eu-west-1, replicas: 2 }
  - { name: ap-northeast-1, replicas: 2 }
latency: { preset: aws, jitter: 2ms }
replication:
  mode: leaderless
  replicationFactor: 1
  antiEntropyInterval: 3s
clients: { perRegion: 2, timeout: 2s }
workload:
  keys: 8
  concurrency: 1
  mix: { read: 0.6, write: 0.4 }
`;

export interface ConvergenceSoakResult {
  readonly seed: number;
  /** Keys whose replicas still disagree once faults ended and anti-entropy had time. */
  readonly divergent: readonly string[];
  readonly lostWrites: LostWritesResult;
  readonly outcomes: Record<string, number>;
}

/**
 * Quorum reads and writes from every region under the same faults as the Paxos soak; then
 * quiet, and every key read from every region at ALL. Whatever the conflict handling or
 * quorum, every replica must end with the same cell, and (without clock skew) no acknowledged
 * write may be lost.
 */
export function convergenceSoakRun(
  seed: number,
  options: { conflicts?: 'lww' | 'siblings'; sloppy?: boolean; durationMs?: number } = {},
): ConvergenceSoakResult {
  const durationMs = options.durationMs ?? 20_000;
  const topology = leaderlessTopology(
    SOAK_TOPOLOGY.replace(
      'replicationFactor: 1',
      `replicationFactor: 1\n  conflicts: ${options.conflicts ?? 'lww'}\n  sloppyQuorum: ${options.sloppy ?? false}`,
    ),
    'leaderless-soak.yaml',
  );
  const { sim, replicas } = leaderlessSim(topology, seed);
  driveWorkload(sim, topology, sim.random('workload'), { durationMs });
  scheduleFaults(
    sim,
    topology.nodes.map((n) => n.id),
    sim.random('faults'),
    durationMs,
  );
  const keys = Array.from({ length: topology.workload.keys }, (_, i) => `k${i}`);
  const readAt = durationMs + 12_000;
  sim.at(readAt, () => {
    for (const region of topology.regions) readEach(sim.client(region.name), keys, 'ALL');
  });
  sim.runUntil(readAt + 5000);
  return {
    seed,
    divergent: divergentKeys(replicas, keys),
    lostWrites: findLostWrites(sim.history),
    outcomes: outcomeCounts(sim.history),
  };
}
