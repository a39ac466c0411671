/**
 * npm run bench:soak — the soak of issue 11: for each mode (MODES, default one per family:
 * raft, multi-leader:lww, leaderless:QUORUM), run TOPOLOGY (default
 * topologies/three-regions.yaml, moved to free ports) live for DURATION (default 2m; the
 * full soak is DURATION=30m) at RATE ops/s offered by all clients together (default 1000)
 * under SCENARIO (default toxics/random-nemesis.yaml, its nemesis stretched to the whole
 * run; SCENARIO=none for none), with the history streamed to disk and checked one 10 s key window at a time
 * (src/experiment/soak.ts), over KEYS keys (default 200) per window. Prints, per mode: ops, resident memory of the orchestrator
 * (which also runs the embedded proxy and the clients) and of the replicas at the start,
 * middle and end, faults played, keys linearizable / not / unknown, convergence after the
 * heal, and processes and ports left. Exit code 1 if a replica crashed on its own, a process
 * or port was left, or a mode broke a promise it makes (promises.ts).
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../src/topology/duration';
import { promisesOf } from '../src/experiment/promises';
import { runSoak, type MemorySample, type SoakResult } from '../src/experiment/soak';
import { loadScenarioFile } from '../src/faults/load-scenario';
import { onFreePorts } from '../src/runtime/live/raft-failover';
import { describeHeldPorts } from '../src/runtime/live/port-holders';
import { formatIssue, loadTopologyFile } from '../src/topology';

const MODES = (process.env.MODES ?? 'raft,multi-leader:lww,leaderless:QUORUM').split(',');
const TOPOLOGY = process.env.TOPOLOGY ?? 'topologies/three-regions.yaml';
const SCENARIO = process.env.SCENARIO ?? 'toxics/random-nemesis.yaml';
const DURATION = process.env.DURATION ?? '2m';
const RATE = Number(process.env.RATE ?? 1000);
const SEED = process.env.SEED ?? '1';
// 200 keys rather than the file's 20: at 1,000 ops/s a key then has about 5 ops in flight
// at once, and each window's search stays small enough to answer.
const KEYS = Number(process.env.KEYS ?? 200);
/** OUT=file.jsonl: append each mode's figures and memory samples as one JSON line. */
const OUT = process.env.OUT;

const mb = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(0);

function median(xs: number[]): number | undefined {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor(s.length / 2)];
}

function replicaRss(sample: MemorySample): { median?: number; max?: number } {
  const xs = Object.values(sample.replicas).filter((x): x is number => x !== null);
  return { median: median(xs), max: xs.length === 0 ? undefined : Math.max(...xs) };
}

function report(r: SoakResult): string[] {
  const at = (q: number): MemorySample =>
    r.memory.reduce((best, s) =>
      Math.abs(s.atMs - q * r.durationMs) < Math.abs(best.atMs - q * r.durationMs) ? s : best,
    );
  const [start, middle, end] = [at(0), at(0.5), at(1)];
  const served = r.ops.ok + r.ops.fail + r.ops.info;
  const k = r.check.keys;
  const row = (name: string, s: MemorySample): string => {
    const rep = replicaRss(s);
    return `    ${name.padEnd(6)} at ${(s.atMs / 1000).toFixed(0).padStart(5)} s: orchestrator ${mb(s.orchestrator)} MB, replicas median ${mb(rep.median)} MB, max ${mb(rep.max)} MB`;
  };
  return [
    `${r.mode}: ${(r.durationMs / 1000).toFixed(0)} s at ${r.offeredRate} ops/s offered, wall ${(r.wallMs / 1000).toFixed(0)} s`,
    `  ops: ${served} completed (${(served / (r.durationMs / 1000)).toFixed(0)}/s): ${r.ops.ok} ok, ${r.ops.fail} fail, ${r.ops.info} info`,
    `  faults: ${r.faults.total} played, ${r.faults.crashes} of them crashes; replicas that exited on their own: ${r.unexpectedExits.length}`,
    `  resident memory (${r.memory.length} samples):`,
    row('start', start),
    row('middle', middle),
    row('end', end),
    `    peak: orchestrator ${mb(Math.max(...r.memory.map((s) => s.orchestrator)))} MB, any replica ${mb(Math.max(...r.memory.map((s) => replicaRss(s).max ?? 0)))} MB`,
    `  checked: ${r.check.windows} windows, ${r.check.ops} ops (largest window ${r.check.largestWindowOps} ops) in ${(r.check.checkMs / 1000).toFixed(1)} s; keys: ${k.linearizable} linearizable, ${k.notLinearizable} not, ${k.unknown} unknown`,
    ...r.check.witnesses.map((w) => `    ${w.split('\n').join('\n    ')}`),
    `  final reads of the newest window: ${r.convergence.keys - r.convergence.diverged.length} of ${r.convergence.keys} keys agree in every region`,
    `  left behind: ${r.released.processesLeft.length} processes, ${r.released.portsHeld.length} ports`,
  ];
}

function broken(r: SoakResult, promises: readonly string[]): string[] {
  const problems: string[] = [];
  if (r.unexpectedExits.length > 0)
    problems.push(`replicas crashed: ${r.unexpectedExits.join('; ')}`);
  if (r.released.processesLeft.length > 0) problems.push('processes left');
  if (r.released.portsHeld.length > 0)
    problems.push(`ports held: ${describeHeldPorts(r.released.portsHeld)}`);
  if (promises.includes('linearizable') && r.check.keys.notLinearizable > 0)
    problems.push('not linearizable');
  if (promises.includes('converges') && r.convergence.diverged.length > 0)
    problems.push(`diverged: ${r.convergence.diverged.slice(0, 5).join(', ')}`);
  return problems;
}

async function main(): Promise<void> {
  const durationMs = parseDuration(DURATION);
  if (durationMs === undefined) throw new Error(`DURATION: not a duration: ${DURATION}`);
  let failed = false;
  for (const mode of MODES) {
    const dir = mkdtempSync(join(tmpdir(), 'geolab-soak-'));
    try {
      const { file } = onFreePorts(TOPOLOGY, dir);
      const loaded = loadTopologyFile(file, { mode });
      if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
      const topology = loaded.topology;
      const scenario =
        SCENARIO === 'none'
          ? ({ ok: true, scenario: undefined } as const)
          : loadScenarioFile(SCENARIO, topology);
      if (!scenario.ok) throw new Error(scenario.issues.map(formatIssue).join('\n'));
      const result = await runSoak({
        topology,
        topologyFile: file,
        mode,
        durationMs,
        rate: RATE,
        scenario: scenario.scenario,
        dir,
        seed: SEED,
        keys: KEYS,
      });
      console.log(report(result).join('\n'));
      if (OUT !== undefined) {
        // Every memory sample, for plotting or a closer look at how flat it stayed.
        const { memory, check, ops, faults, convergence, released } = result;
        const line = {
          mode,
          durationMs,
          rate: RATE,
          keys: KEYS,
          ops,
          faults,
          check,
          convergence,
          released,
          memory,
        };
        appendFileSync(OUT, `${JSON.stringify(line)}\n`);
      }
      const problems = broken(
        result,
        promisesOf(topology).map((p) => p.checker),
      );
      if (problems.length > 0) {
        failed = true;
        console.log(`  FAILED: ${problems.join('; ')}`);
      }
    } catch (err) {
      failed = true;
      console.log(`${mode}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
