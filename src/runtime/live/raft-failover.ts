import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { TimedEvent } from '../../checker/leadership/events';
import { checkHistoryText, type Verdict } from '../../checker/linearizability';
import { majority } from '../../core/quorum';
import { parseTopology, rttMs, type Topology } from '../../topology';
import type { HistoryOp } from '../../workload/history';
import { formatJsonl } from '../../workload/history/jsonl';
import type { Cluster } from './cluster';
import type { LeadershipWatch } from './leadership-watch';
import { runLiveWorkload } from './live-workload';

/**
 * Live failover of a single-leader cluster: `kill -9` the leader under load, time how long
 * until a majority knows a new leader, restart the killed replica, and check the history.
 * Used by the live Raft test (a few trials) and `npm run bench:raft-failover` (twenty).
 */

/**
 * A topology file as written, but listening on free ports (replicas, the embedded Toxiproxy)
 * and without dashboard or metrics, so that it runs beside anything else on the machine.
 * Written to `dir`; returns the copy's path and the parsed topology.
 */
export function onFreePorts(source: string, dir: string): { file: string; topology: Topology } {
  const doc = parseDocument(readFileSync(source, 'utf8'));
  doc.setIn(['network', 'basePort'], 0);
  doc.setIn(['toxiproxy', 'port'], 0);
  doc.setIn(['dashboard', 'enabled'], false);
  doc.setIn(['metrics', 'enabled'], false);
  const text = doc.toString();
  const file = join(dir, source.split(/[\\/]/).at(-1) ?? 'topology.yaml');
  writeFileSync(file, text);
  const parsed = parseTopology(text, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return { file, topology: parsed.topology };
}

/** The voting replicas of a topology (everyone but single-leader learners). */
export function votersOf(topology: Topology): string[] {
  const r = topology.replication;
  const learners = new Set(r.mode === 'single-leader' ? r.learners : []);
  return topology.nodes.map((n) => n.id).filter((id) => !learners.has(id));
}

export function regionOf(topology: Topology, node: string): string {
  const n = topology.nodes.find((x) => x.id === node);
  if (!n) throw new RangeError(`no node ${node} in ${topology.file}`);
  return n.region;
}

/**
 * The round trip from `node` to its nearest majority: a majority of all voters counts `node`
 * itself, so it is the RTT to the (majority − 1)-th nearest other voter that is up. For
 * three-regions' us-east-1 (9 voters, majority 5): two local peers at 4 ms, then eu-west-1's
 * three at 69.5 ms, so 69.5 ms.
 */
export function nearestMajorityRttMs(
  topology: Topology,
  node: string,
  down: readonly string[] = [],
): number {
  const voters = votersOf(topology);
  const need = majority(voters.length) - 1;
  if (need === 0) return 0;
  const from = regionOf(topology, node);
  const rtts = voters
    .filter((v) => v !== node && !down.includes(v))
    .map((v) => rttMs(topology.latency, from, regionOf(topology, v)))
    .sort((a, b) => a - b);
  if (rtts.length < need) return Infinity;
  return rtts[need - 1];
}

/**
 * How soon a new leader must be known after the leader dies: the longest randomized election
 * timeout (2 × electionTimeout) plus two round trips (pre-vote, vote) to the nearest majority
 * of the replicas that survive, from whichever of them has the nearest one.
 */
export function failoverBoundMs(topology: Topology, killed: string): number {
  const r = topology.replication;
  if (r.mode !== 'single-leader') throw new RangeError(`not a single-leader topology: ${r.mode}`);
  const nearest = Math.min(
    ...votersOf(topology)
      .filter((v) => v !== killed)
      .map((v) => nearestMajorityRttMs(topology, v, [killed])),
  );
  return 2 * r.electionTimeoutMs + 2 * nearest;
}

/**
 * Wait for a settled leader: one that every running replica names, that says it leads, and
 * that is in the topology's preferred region when it names one (so that no transfer is due).
 */
export function settledLeader(
  cluster: Cluster,
  watch: LeadershipWatch,
  topology: Topology,
  timeoutMs: number,
): Promise<string> {
  const r = topology.replication;
  const preferred = r.mode === 'single-leader' ? r.leaderRegion : undefined;
  return watch.waitFor(
    () => {
      const running = topology.nodes.map((n) => n.id).filter((id) => cluster.isRunning(id));
      const agreed = watch.agreedLeader(running);
      if (agreed === undefined || watch.view(agreed)?.role !== 'leader') return undefined;
      if (preferred !== undefined && regionOf(topology, agreed) !== preferred) return undefined;
      return agreed;
    },
    timeoutMs,
    'one leader followed by every running replica',
    20,
  );
}

export interface FailoverTrialOptions {
  readonly cluster: Cluster;
  readonly watch: LeadershipWatch;
  readonly topology: Topology;
  /** Before every key of this trial's workload: each trial starts from empty registers. */
  readonly keyPrefix: string;
  /** How long the clients run (default 5 s)... */
  readonly durationMs?: number;
  /** ...and when, after they start, the leader is killed (default 1 s). */
  readonly killAfterMs?: number;
  readonly seed?: number | string;
  /** How long to wait for one leader that every running replica follows (default 20 s). */
  readonly settleTimeoutMs?: number;
  /** How long a new leader may take before the trial fails (default 15 s). */
  readonly electionTimeoutMs?: number;
}

export interface FailoverTrial {
  readonly killed: string;
  readonly killedTerm: number;
  readonly newLeader: string;
  readonly newTerm: number;
  /** From the SIGKILL to a majority of the voters naming the new leader (observer's clock). */
  readonly electionMs: number;
  readonly boundMs: number;
  /** How long `restartNode` took: spawn, listen, re-point its proxies, dial every peer. */
  readonly restartMs: number;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly verdict: Verdict;
  readonly history: HistoryOp[];
  /** The replicas' role and leader events from the kill to the agreement, `at` from the kill. */
  readonly election: TimedEvent[];
}

/**
 * One trial: wait for a settled leader (followed by every running replica, and in the
 * preferred region when the topology names one, so that no transfer is due), start the
 * clients, SIGKILL the leader, wait until a majority names a leader of a later term, restart
 * the killed replica over its storage, let the clients finish, and check the history.
 */
export async function killLeaderTrial(options: FailoverTrialOptions): Promise<FailoverTrial> {
  const { cluster, watch, topology } = options;
  const voters = votersOf(topology);
  const leader = await settledLeader(cluster, watch, topology, options.settleTimeoutMs ?? 20_000);
  const killedTerm = watch.view(leader)?.term ?? 0;
  const durationMs = options.durationMs ?? 5000;
  const workload = runLiveWorkload({
    topology,
    clientAddress: (region, node) => cluster.clientAddress(region, node),
    durationMs,
    keyPrefix: options.keyPrefix,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, options.killAfterMs ?? 1000));
    const killedAt = performance.now();
    await cluster.kill(leader, 'SIGKILL');
    const next = await watch.waitFor(
      () =>
        watch.agreement({
          count: majority(voters.length),
          since: killedAt,
          aboveTerm: killedTerm,
          exclude: [leader],
        }),
      options.electionTimeoutMs ?? 15_000,
      `a new leader known by a majority after ${leader} was killed`,
    );
    const restartFrom = performance.now();
    await cluster.restartNode(leader);
    const restartMs = performance.now() - restartFrom;
    const history = await workload;
    const done = history.filter((h) => h.type !== 'invoke');
    const verdict = checkHistoryText(formatJsonl(history), { format: 'jsonl' }).verdict;
    return {
      killed: leader,
      killedTerm,
      newLeader: next.leader,
      newTerm: next.term,
      electionMs: next.at - killedAt,
      boundMs: failoverBoundMs(topology, leader),
      restartMs,
      ops: {
        ok: done.filter((h) => h.type === 'ok').length,
        fail: done.filter((h) => h.type === 'fail').length,
        info: done.filter((h) => h.type === 'info').length,
      },
      verdict,
      history,
      election: watch.events
        .filter((e) => e.at >= killedAt && e.at <= next.at)
        .map((e) => ({ ...e, at: e.at - killedAt })),
    };
  } finally {
    // On failure, the clients still finish on their own; wait so nothing outlives the trial.
    await workload.catch(() => undefined);
  }
}
