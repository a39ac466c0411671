/**
 * npm run bench:scale-live — topologies/nine-regions.yaml (9 regions × 3 replicas, 27
 * processes) live on this machine, through the same runLiveExperiment and Cluster as
 * `geolab run`: start it, wait for the leader, drive RATE ops/s (default 10) open-loop from one
 * client per region for DURATION (default 60s), and print per process kind (orchestrator,
 * proxy, replicas min/median/max) CPU as % of one core, RSS and open descriptors, then per
 * region client latency p50/p99 against the topology's prediction. Then it checks that no
 * replica process and no port is left.
 *
 * MODES=raft,leaderless:QUORUM (default raft) runs each mode in turn. PROXY=separate (default)
 * runs the embedded Toxiproxy as its own `geolab toxiproxy` process, so that its cost shows
 * apart from the orchestrator's (as `geolab run --toxiproxy URL`); PROXY=embedded keeps it in
 * the orchestrator, as plain `geolab run` does. TOPOLOGY=file for another topology.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistoryText } from '../src/checker/linearizability';
import { runLiveExperiment } from '../src/experiment/live-experiment';
import type { Cluster } from '../src/runtime/live/cluster';
import { onFreePorts } from '../src/runtime/live/raft-failover';
import { loadTopologyFile, parseDuration, type Topology } from '../src/topology';
import { formatJsonl } from '../src/workload/history/jsonl';
import { cpuPercent, readProc, type ProcReading } from '../src/runtime/live/process-check';
import { leftovers, startProxyProcess, type ProxyProcess } from './scale-live-procs';
import { latencyRows, type LatencyRow } from './scale-live-latency';

const TOPOLOGY = process.env.TOPOLOGY ?? join(__dirname, '..', 'topologies', 'nine-regions.yaml');
const DURATION_MS = parseDuration(process.env.DURATION ?? '60s') ?? 60_000;
const RATE = Number(process.env.RATE ?? 10);
const MODES = (process.env.MODES ?? 'raft').split(',');
const SEPARATE_PROXY = (process.env.PROXY ?? 'separate') !== 'embedded';

interface Usage {
  readonly kind: string;
  readonly cpu: number[];
  readonly rssMb: number[];
  readonly fds: number[];
}

interface ModeRun {
  readonly mode: string;
  readonly upMs: number;
  /** Whether the mode has a leader the run waited for. */
  readonly led: boolean;
  readonly usage: Usage[];
  readonly latency: LatencyRow[];
  readonly ops: { ok: number; fail: number; info: number };
  readonly verdict: string;
  readonly leftover: string[];
}

async function runMode(mode: string): Promise<ModeRun> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-scale-'));
  let proxy: ProxyProcess | undefined;
  try {
    const { file } = onFreePorts(TOPOLOGY, dir);
    const loaded = loadTopologyFile(file, { mode });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
    const topology = loaded.topology;
    if (SEPARATE_PROXY) proxy = await startProxyProcess();
    const started = performance.now();
    let upMs = 0;
    let cluster: Cluster | undefined;
    let leader: string | undefined;
    let before: ProcReading[] = [];
    let after: ProcReading[] = [];
    const pids = (): { kind: string; pid: number }[] => [
      { kind: SEPARATE_PROXY ? 'orchestrator' : 'orchestrator + proxy', pid: process.pid },
      ...(proxy ? [{ kind: 'proxy', pid: proxy.pid }] : []),
      ...(cluster?.nodes() ?? []).map((n) => ({ kind: 'replica', pid: n.pid })),
    ];
    const read = (): ProcReading[] =>
      pids()
        .map((p) => readProc(p.pid))
        .filter((r): r is ProcReading => r !== undefined);
    let endTimer: NodeJS.Timeout | undefined;
    const errors: string[] = [];
    const data = await runLiveExperiment(topology, {
      topologyFile: file,
      durationMs: DURATION_MS,
      rate: RATE,
      dataDir: join(dir, 'data'),
      toxiproxyUrl: proxy?.url,
      mode,
      seed: 11,
      log: (m) => {
        errors.push(m);
        if (process.env.VERBOSE) console.error(`  log: ${m}`);
      },
      onLive: (live) => {
        cluster = live.cluster;
        upMs = performance.now() - started;
        leader = live.watch.agreedLeader();
      },
      onStart: () => {
        before = read();
        endTimer = setTimeout(() => (after = read()), DURATION_MS);
      },
    });
    clearTimeout(endTimer);
    const kinds = new Map(pids().map((p) => [p.pid, p.kind]));
    const usage = new Map<string, Usage>();
    for (const b of before) {
      const a = after.find((x) => x.pid === b.pid);
      const kind = kinds.get(b.pid) ?? '?';
      if (!a) continue;
      const u = usage.get(kind) ?? { kind, cpu: [], rssMb: [], fds: [] };
      u.cpu.push(cpuPercent(b, a));
      u.rssMb.push(a.rssBytes / 2 ** 20);
      u.fds.push(a.fds);
      usage.set(kind, u);
    }
    for (const e of errors.slice(0, 10)) console.error(`  log: ${e}`);
    const ops = { ok: 0, fail: 0, info: 0 };
    for (const op of data.history)
      if (op.type !== 'invoke' && op.process !== 'nemesis') ops[op.type]++;
    const linearizable =
      topology.replication.mode === 'single-leader'
        ? checkHistoryText(formatJsonl(data.history), { format: 'jsonl' }).verdict
        : 'not checked (not a linearizable mode)';
    const children = pids()
      .map((p) => p.pid)
      .slice(1);
    await proxy?.stop();
    const leftover = cluster ? await leftovers(cluster, children) : [];
    return {
      mode,
      upMs,
      led: leader !== undefined,
      usage: [...usage.values()],
      latency: latencyRows(topology, data.history, DURATION_MS, leader),
      ops,
      verdict: linearizable,
      leftover,
    };
  } finally {
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

const f1 = (x: number): string => x.toFixed(1);

function printRun(r: ModeRun, topology: Topology): void {
  console.log(
    `\n${r.mode}: ${topology.nodes.length} replicas in ${topology.regions.length} regions, up${r.led ? ' and led' : ''} in ${f1(r.upMs / 1000)} s; ` +
      `${RATE} ops/s per region for ${DURATION_MS / 1000} s: ok ${r.ops.ok}, fail ${r.ops.fail}, info ${r.ops.info}; ${r.verdict}`,
  );
  console.log(
    'process              count   CPU % of a core (min/med/max)   RSS MB (min/med/max)   fds (max)',
  );
  const row = (u: Usage): string => {
    const trio = (xs: number[]) =>
      xs.length === 1
        ? f1(xs[0])
        : `${f1(Math.min(...xs))}/${f1(median(xs))}/${f1(Math.max(...xs))}`;
    return `${u.kind.padEnd(20)} ${String(u.cpu.length).padStart(5)}   ${trio(u.cpu).padStart(29)}   ${trio(u.rssMb).padStart(20)}   ${String(Math.max(...u.fds)).padStart(9)}`;
  };
  for (const u of r.usage) console.log(row(u));
  const sum = (k: 'cpu' | 'rssMb') =>
    r.usage.reduce((s, u) => s + u[k].reduce((a, b) => a + b, 0), 0);
  console.log(
    `${'total'.padEnd(20)} ${String(r.usage.reduce((s, u) => s + u.cpu.length, 0)).padStart(5)}   ${f1(sum('cpu')).padStart(29)}   ${f1(sum('rssMb')).padStart(20)}`,
  );
  console.log(
    'region            ops   p50 ms   p99 ms   predicted   over p50 ms   over p50 %   over p99 ms',
  );
  for (const l of r.latency) {
    console.log(
      `${l.region.padEnd(16)} ${String(l.count).padStart(4)} ${f1(l.p50).padStart(8)} ${f1(l.p99).padStart(8)} ${f1(l.predicted).padStart(11)} ${f1(l.p50 - l.predicted).padStart(13)} ${f1((100 * (l.p50 - l.predicted)) / l.predicted).padStart(12)} ${f1(l.p99 - l.predicted).padStart(13)}`,
    );
  }
  console.log(
    r.leftover.length === 0
      ? 'after stop: no replica process, proxy process or port left'
      : `LEFT BEHIND: ${r.leftover.join('; ')}`,
  );
}

async function main(): Promise<void> {
  let failed = false;
  for (const mode of MODES) {
    const loaded = loadTopologyFile(TOPOLOGY, { mode });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
    const r = await runMode(mode);
    printRun(r, loaded.topology);
    if (r.leftover.length > 0 || r.verdict === 'not-linearizable' || r.ops.ok === 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  // fetch's "fetch failed" says why only in its causes.
  for (let e = err; e instanceof Error && e.cause !== undefined; e = e.cause) {
    console.error('caused by:', e.cause);
  }
  process.exitCode = 1;
});
