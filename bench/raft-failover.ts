/**
 * npm run bench:raft-failover — the Raft issue's failover figure, live: TRIALS (default 20)
 * times, on topologies/three-regions.yaml (nine `geolab node` processes, every link through
 * the embedded Toxiproxy), clients of every region run, the leader gets SIGKILL, and the
 * time until a majority names a new leader is measured from the replicas' events; the killed
 * replica restarts over its storage and each trial's history is checked for linearizability.
 * Done when at least 95% of trials elect within 2 × electionTimeout + 2 RTTs to the nearest
 * majority and every history is linearizable (exit code 1 otherwise). Needs `npm run build`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../src/runtime/live/cluster';
import { LeadershipWatch } from '../src/runtime/live/leadership-watch';
import {
  killLeaderTrial,
  nearestMajorityRttMs,
  onFreePorts,
  regionOf,
  type FailoverTrial,
} from '../src/runtime/live/raft-failover';

const TRIALS = Number(process.env.TRIALS ?? 20);
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const TOPOLOGY = process.env.TOPOLOGY ?? join(__dirname, '..', 'topologies', 'three-regions.yaml');

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-failover-'));
  const { file, topology } = onFreePorts(TOPOLOGY, dir);
  const r = topology.replication;
  if (r.mode !== 'single-leader') throw new Error(`${TOPOLOGY} is not a single-leader topology`);
  const watch = new LeadershipWatch(topology.nodes.map((n) => n.id));
  const logs: string[] = [];
  const cluster = new Cluster({
    topology,
    topologyFile: file,
    dataDir: join(dir, 'data'),
    log: (m) => logs.push(m),
    onEvent: (node, event) => watch.record(node, event),
  });
  const stop = (): void => {
    void cluster.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  const trials: FailoverTrial[] = [];
  try {
    const started = performance.now();
    await cluster.start();
    console.log(
      `raft failover: ${TRIALS} trials of kill -9 of the leader on ${topology.name} ` +
        `(${topology.nodes.length} replicas, electionTimeout ${r.electionTimeoutMs} ms, ` +
        `heartbeat ${r.heartbeatIntervalMs} ms), clients ${DURATION_MS} ms per trial; ` +
        `cluster up in ${Math.round(performance.now() - started)} ms`,
    );
    for (let i = 0; i < TRIALS; i++) {
      const t = await killLeaderTrial({
        cluster,
        watch,
        topology,
        keyPrefix: `trial${i + 1}-`,
        seed: `failover-${i + 1}`,
        durationMs: DURATION_MS,
      });
      trials.push(t);
      console.log(
        `  trial ${String(i + 1).padStart(2)}: killed ${t.killed} (term ${t.killedTerm}); ` +
          `${t.newLeader} (${regionOf(topology, t.newLeader)}, term ${t.newTerm}) known by a majority ` +
          `after ${Math.round(t.electionMs)} ms (bound ${t.boundMs} ms${t.electionMs > t.boundMs ? ', OVER' : ''}); ` +
          `restart ${Math.round(t.restartMs)} ms; ops ok ${t.ops.ok} fail ${t.ops.fail} info ${t.ops.info}; ${t.verdict}`,
      );
      if (t.electionMs > t.boundMs) {
        // What the replicas said between the kill and the agreement: who campaigned, in which term.
        for (const e of t.election) {
          console.log(`      +${Math.round(e.at)} ms ${e.node} ${JSON.stringify(e.event)}`);
        }
      }
    }
  } catch (err) {
    console.log(`failed: ${(err as Error).message}`);
    console.log(`replica logs (last 40):\n${logs.slice(-40).join('\n')}`);
    process.exitCode = 1;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (trials.length === 0) return;

  const times = trials.map((t) => t.electionMs).sort((a, b) => a - b);
  const within = trials.filter((t) => t.electionMs <= t.boundMs).length;
  const linearizable = trials.filter((t) => t.verdict === 'linearizable').length;
  const bounds = [...new Set(trials.map((t) => t.boundMs))].join(', ');
  const leader = trials[0].killed;
  const newRegions = new Map<string, number>();
  for (const t of trials) {
    const region = regionOf(topology, t.newLeader);
    newRegions.set(region, (newRegions.get(region) ?? 0) + 1);
  }
  console.log(
    [
      `summary over ${trials.length} trials:`,
      `  election (kill → new leader known by a majority): min ${Math.round(times[0])} ms, ` +
        `p50 ${Math.round(quantile(times, 0.5))} ms, p90 ${Math.round(quantile(times, 0.9))} ms, ` +
        `max ${Math.round(times[times.length - 1])} ms`,
      `  bound ${bounds} ms = 2 × ${r.electionTimeoutMs} ms + 2 × ${nearestMajorityRttMs(topology, leader, [leader])} ms ` +
        `(RTT to the nearest majority); within: ${within}/${trials.length} (${Math.round((100 * within) / trials.length)}%, 95% needed)`,
      `  new leaders by region: ${[...newRegions].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `  linearizable histories: ${linearizable}/${trials.length}`,
    ].join('\n'),
  );
  if (within < 0.95 * TRIALS || linearizable < trials.length || trials.length < TRIALS) {
    process.exitCode = 1;
  }
}

void main();
