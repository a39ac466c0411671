import {
  asNodeId,
  type ClientId,
  type NodeId,
  type RegionId,
  type RequestId,
} from '../../core/ids';
import type { Env } from '../../core/env';
import type { ClientRequest, ClientResult } from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { Rng, type Seed } from '../../core/random';
import { MemoryStorage } from '../../core/storage/memory-storage';
import type { LeaderlessConfig } from '../../modes/leaderless/config';
import { Leaderless } from '../../modes/leaderless/leaderless';
import { sampleDelay, type Delay } from './delay';
import { EventQueue } from './event-queue';

/**
 * PBS's WARS experiment (Bailis, Venkataraman, Franklin, Hellerstein & Stoica, "Probabilistically
 * Bounded Staleness for Practical Partial Quorums", PVLDB 5(8), 2012; ../shared/reference/pbs.md)
 * run on the leaderless mode's own code, many times.
 *
 * What runs: N `Leaderless` replicas and one `Leaderless` coordinator that owns no token range
 * (Cassandra's `join_ring: false`), so that every replica message crosses the network, each
 * driven through its real `onClient`, `onMessage` and `onTimer` with its real message codec
 * and storage (MemoryStorage). What is left out, because the WARS model leaves it out: the
 * client's hop to the coordinator (requests are handed to it, answers taken from `env.reply`
 * at once), link FIFO order (every message's delay is drawn independently, where the
 * simulator's links keep send order), loss, heartbeats, hints and anti-entropy (off), and
 * read repair (off). The coordinator sends reads to all N replicas and answers from the first
 * R (`readTargets: all`, as Dynamo and Voldemort do), and writes to all N, answering after W.
 *
 * One trial: write a new value to key `x`, note when the coordinator answers (the commit), and
 * at commit + t, for each t asked, read `x`; a read is consistent when it returns the trial's
 * value. Reads do not change state (no repair), so the reads at different t of one trial are
 * independent experiments sharing only the write. The loop then drains every message before
 * the next trial, so each write starts from replicas that all hold the previous value, as PBS's
 * k = 1 staleness assumes.
 *
 * This minimal loop (a heap of closures, no network model, no tracing) runs a million trials in
 * seconds to minutes where the full Simulation would take hours; `src/runtime/sim/simulation.ts`
 * runs the same replicas with everything else.
 */

/** LNKD-SSD: LinkedIn's Voldemort on SSDs, fitted by PBS (Table 3): W = A = R = S. */
export const LNKD_SSD: Delay = {
  kind: 'mixture',
  parts: [
    { weight: 0.9122, delay: { kind: 'pareto', xm: 0.235, alpha: 10 } },
    { weight: 0.0878, delay: { kind: 'exponential', mean: 1 / 1.66 } },
  ],
};

export interface PbsOptions {
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly trials: number;
  /** Read start times after the commit, ms. */
  readonly tMs: readonly number[];
  readonly seed: Seed;
  /** One-way delay of every replica message (W, A, R and S alike); default LNKD-SSD. */
  readonly delay?: Delay;
}

export interface PbsPoint {
  readonly tMs: number;
  readonly reads: number;
  readonly consistent: number;
  readonly probability: number;
}

export interface PbsResult {
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly trials: number;
  readonly curve: readonly PbsPoint[];
  /** Events the loop handled (messages and timers). */
  readonly events: number;
}

const REGION = 'dc';
const COORDINATOR = asNodeId('coordinator');

function warsConfig(
  n: number,
  r: number,
  w: number,
  replicas: readonly NodeId[],
): LeaderlessConfig {
  return {
    members: [
      { id: COORDINATOR, region: REGION, ring: false },
      ...replicas.map((id) => ({ id, region: REGION, ring: true })),
    ],
    replicationFactor: new Map([[REGION, n]]),
    read: { count: r },
    write: { count: w },
    conflicts: 'lww',
    timestamps: 'wall',
    readRepair: 'off',
    hintedHandoff: false,
    hintWindowMs: 0,
    antiEntropyIntervalMs: 0,
    sloppyQuorum: false,
    serial: false,
    virtualNodes: 1,
    regionRttMs: new Map([[`${REGION}>${REGION}`, 0]]),
    readTargets: 'all',
    writeTimeoutMs: 1000,
    readTimeoutMs: 1000,
    casTimeoutMs: 1000,
    heartbeatIntervalMs: 0,
    failureTimeoutMs: 1000,
    hintReplayIntervalMs: 1000,
    merkleDepth: 1,
    sessionContexts: 1,
  };
}

/** Run the WARS trials; see the module comment for exactly what runs. */
export function runPbs(options: PbsOptions): PbsResult {
  const { n, r, w } = options;
  if (!(r >= 1 && r <= n && w >= 1 && w <= n))
    throw new RangeError(`need 1 ≤ r, w ≤ n, got n=${n} r=${r} w=${w}`);
  const rng = new Rng(options.seed);
  const delays = rng.fork('delays');
  const delay = options.delay ?? LNKD_SSD;
  const queue = new EventQueue<() => void>();
  let now = 0;
  let events = 0;
  let nextTimer = 1;
  const liveTimers = new Set<number>();
  const waiting = new Map<RequestId, (res: ClientResult) => void>();
  const replicaIds = Array.from({ length: n }, (_, i) => asNodeId(`r${i + 1}`));
  const config = warsConfig(n, r, w, replicaIds);
  const nodes = new Map<NodeId, Leaderless>();

  for (const id of [COORDINATOR, ...replicaIds]) {
    const nodeRng = rng.fork(`node:${id}`);
    const env: Env = {
      self: id,
      now: () => now,
      send: (to: NodeId, msg: PeerMessage) => {
        queue.push(now + sampleDelay(delay, delays), () => nodes.get(to)?.onMessage(id, msg));
      },
      setTimer: (afterMs, tag) => {
        const timer = nextTimer++;
        liveTimers.add(timer);
        queue.push(now + afterMs, () => {
          if (liveTimers.delete(timer)) nodes.get(id)?.onTimer(tag);
        });
        return timer as ReturnType<Env['setTimer']>;
      },
      cancelTimer: (timer) => {
        liveTimers.delete(timer);
      },
      reply: (req, res) => waiting.get(req)?.(res),
      storage: new MemoryStorage(),
      random: () => nodeRng.next(),
      emit: () => undefined,
    };
    const replica = new Leaderless(env, config);
    nodes.set(id, replica);
    replica.onStart();
  }
  const coordinator = nodes.get(COORDINATOR) as Leaderless;

  let requests = 0;
  const request = (op: ClientRequest['op'], done: (res: ClientResult) => void): void => {
    const id = `pbs:${++requests}` as RequestId;
    waiting.set(id, (res) => {
      waiting.delete(id);
      done(res);
    });
    coordinator.onClient({ id, client: 'pbs' as ClientId, region: REGION as RegionId, op });
  };
  const drain = (): void => {
    while (queue.size > 0) {
      now = queue.peekTime();
      const event = queue.pop();
      events++;
      event?.();
    }
  };

  const consistent = options.tMs.map(() => 0);
  const reads = options.tMs.map(() => 0);
  for (let trial = 1; trial <= options.trials; trial++) {
    request({ f: 'write', key: 'x', value: trial }, (res) => {
      if (res.type !== 'ok')
        throw new Error(`trial ${trial}: the write failed: ${JSON.stringify(res)}`);
      const commit = now;
      options.tMs.forEach((t, i) =>
        queue.push(commit + t, () =>
          request({ f: 'read', key: 'x' }, (read) => {
            reads[i]++;
            if (read.type === 'ok' && read.value === trial) consistent[i]++;
          }),
        ),
      );
    });
    drain();
  }
  return {
    n,
    r,
    w,
    trials: options.trials,
    curve: options.tMs.map((tMs, i) => ({
      tMs,
      reads: reads[i],
      consistent: consistent[i],
      probability: reads[i] === 0 ? 0 : consistent[i] / reads[i],
    })),
    events,
  };
}
