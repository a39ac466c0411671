/**
 * npm run bench:scale-sim — the simulator at scale: 9 regions × 12 replicas (108) under
 * leaderless QUORUM and multi-leader LWW, and 9 × 3 (27) under Raft, each for VIRTUAL
 * (default 30 s) of virtual time with toxics/partition-one-region.yaml (us-east-1 cut off
 * from 10 s to 30 s; SCENARIO=none for none) at RATE ops/s per client (default 25; two
 * clients per region). The regions are the aws preset's seven plus us-east-2 (Azure East US 2,
 * 8.5 ms from East US) and ap-northeast-3 (IBM Osaka, 9 ms from Tokyo), whose other links take
 * their neighbour's RTT (docs/reliability/scale.md). Prints replicas, simulator events, wall
 * time, virtual/wall, peak heap and history size per mode. MODES=raft,… picks modes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runSimExperiment } from '../src/experiment/sim-experiment';
import { loadScenarioFile } from '../src/faults/load-scenario';
import { loadTopologyFile, parseDuration } from '../src/topology';
import { aws } from '../src/topology/presets/aws';
import type { Simulation } from '../src/runtime/sim/simulation';

const VIRTUAL_MS = parseDuration(process.env.VIRTUAL ?? '30s') ?? 30_000;
const RATE = Number(process.env.RATE ?? 25);
const SCENARIO =
  process.env.SCENARIO ?? join(__dirname, '..', 'toxics', 'partition-one-region.yaml');
const MODES = (process.env.MODES ?? 'leaderless:QUORUM,multi-leader:lww,raft').split(',');

/** The two extra regions, each next to a preset region whose other RTTs it takes. */
const EXTRA = [
  { name: 'us-east-2', near: 'us-east-1', rttMs: 8.5 }, // Azure East US–East US 2 P50
  { name: 'ap-northeast-3', near: 'ap-northeast-1', rttMs: 9 }, // IBM Tokyo–Osaka average
] as const;

function topologyText(mode: string, replicasPerRegion: number): string {
  const rtt = (a: string, b: string) =>
    aws.rttMs[aws.regions.indexOf(a as never)][aws.regions.indexOf(b as never)];
  const links: { between?: string[]; within?: string; rtt: string }[] = [];
  for (const x of EXTRA) {
    links.push({ within: x.name, rtt: '2ms' }); // IBM: between zones ≈ 2 ms
    links.push({ between: [x.name, x.near], rtt: `${x.rttMs}ms` });
    for (const r of aws.regions)
      if (r !== x.near) links.push({ between: [x.name, r], rtt: `${rtt(x.near, r)}ms` });
  }
  links.push({
    between: [EXTRA[0].name, EXTRA[1].name],
    rtt: `${rtt(EXTRA[0].near, EXTRA[1].near)}ms`,
  });
  const replication =
    mode === 'raft'
      ? { mode: 'single-leader', protocol: 'raft', leaderRegion: 'us-east-1', reads: 'read-index' }
      : mode === 'multi-leader:lww'
        ? {
            mode: 'multi-leader',
            resolver: 'lww',
            causal: true,
            batchInterval: '50ms',
            antiEntropyInterval: '5s',
          }
        : {
            mode: 'leaderless',
            replicationFactor: 3,
            read: 'QUORUM',
            write: 'QUORUM',
            conflicts: 'siblings',
          };
  return stringify({
    name: `scale-${mode.replace(/\W/g, '-')}`,
    regions: [...aws.regions, ...EXTRA.map((x) => x.name)].map((name) => ({
      name,
      replicas: replicasPerRegion,
    })),
    latency: { preset: 'aws', jitter: '1ms', links },
    replication,
    clients: { perRegion: 2 },
    workload: { keys: 200, concurrency: 2, duration: `${VIRTUAL_MS}ms` },
  });
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'geolab-scale-'));
  try {
    console.log(
      `${VIRTUAL_MS / 1000} s virtual, ${RATE} ops/s per client, scenario ${SCENARIO === 'none' ? 'none' : SCENARIO.split('/').at(-1)}`,
    );
    console.log(
      'mode               replicas  events      wall s  virtual/wall  peak heap MB  history ops  peer messages',
    );
    for (const mode of MODES) {
      const perRegion = mode === 'raft' ? 3 : 12;
      const file = join(dir, `${mode.replace(/\W/g, '-')}.yaml`);
      writeFileSync(file, topologyText(mode, perRegion));
      const loaded = loadTopologyFile(file);
      if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
      const topology = loaded.topology;
      let scenario;
      if (SCENARIO !== 'none') {
        const s = loadScenarioFile(SCENARIO, topology);
        if (!s.ok) throw new Error(s.issues.map((i) => i.message).join('\n'));
        scenario = s.scenario;
      }
      let peakHeap = process.memoryUsage().heapUsed;
      let sim: Simulation | undefined;
      let replicaEvents = 0;
      const data = runSimExperiment(topology, {
        seed: 11,
        durationMs: VIRTUAL_MS,
        rate: RATE,
        scenario,
        onSimulation: (s) => (sim = s),
        // The run is synchronous: sample the heap from inside it, every 1,000 replica events.
        onEvent: () => {
          if (++replicaEvents % 1000 === 0) {
            peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
          }
        },
      });
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      const events = sim?.eventsProcessed ?? 0;
      const wallS = data.wallMs / 1000;
      const virtualS = (data.history.at(-1)?.time ?? VIRTUAL_MS) / 1000;
      const top = Object.entries(data.messages.byType)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([type, n]) => `${type} ${((100 * n) / data.messages.total).toFixed(0)}%`)
        .join(', ');
      console.log(
        `${mode.padEnd(18)} ${String(topology.nodes.length).padStart(8)}  ${String(events).padStart(10)}  ${wallS.toFixed(1).padStart(6)}  ${(virtualS / wallS).toFixed(2).padStart(12)}  ${(peakHeap / 2 ** 20).toFixed(0).padStart(12)}  ${String(data.history.length).padStart(11)}  ${data.messages.total} (${top})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
