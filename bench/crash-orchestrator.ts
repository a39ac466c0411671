/**
 * npm run bench:crash-orchestrator — crash safety of `geolab up` itself: RUNS (default 50)
 * times, start `geolab up` on a 3-region × 1-replica Raft topology on free ports, write keys
 * through the us-east-1 client proxy, `kill -9` the orchestrator at a random moment (SEED,
 * default 11) 0–3 s after it is up, then check that within 5 s no replica process is left
 * and every port it held is free, and that `geolab up` on the same data directory starts,
 * serves every write acknowledged before the crash, and stops cleanly on SIGINT.
 * Exit code 1 if any run leaves a survivor, a held port or a failed restart. Needs
 * `npm run build`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/random';
import { describeHeldPorts } from '../src/runtime/live/port-holders';
import {
  crashRun,
  writeCrashTopology,
  type CrashRun,
} from '../src/runtime/live/orchestrator-crash';

const RUNS = Number(process.env.RUNS ?? 50);
const SEED = process.env.SEED ?? '11';
const CLI = join(__dirname, '..', 'dist', 'cli', 'main.js');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-crash-'));
  const topologyFile = writeCrashTopology(dir);
  const rng = new Rng(SEED);
  const started = performance.now();
  const runs: CrashRun[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const dataDir = join(dir, `run-${i}`);
      mkdirSync(dataDir);
      const run = await crashRun({ cli: CLI, topologyFile, dataDir, rng: rng.fork(`run-${i}`) });
      runs.push(run);
      const verdict =
        run.survivors.length > 0
          ? `SURVIVORS ${run.survivors.join('; ')}`
          : run.heldPorts.length > 0
            ? `HELD PORTS ${describeHeldPorts(run.heldPorts)}`
            : (run.restartFailure ?? 'ok');
      console.log(
        `run ${String(i + 1).padStart(2)}: kill at ${String(run.killAfterMs).padStart(4)} ms, ` +
          `${run.acked} keys acked, replicas gone in ${run.goneAfterMs.toFixed(0)} ms: ${verdict}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const survivors = runs.filter((r) => r.survivors.length > 0).length;
  const held = runs.filter((r) => r.heldPorts.length > 0).length;
  const failures = runs.filter((r) => r.restartFailure !== undefined).length;
  const gone = runs.map((r) => r.goneAfterMs).sort((a, b) => a - b);
  const wall = (performance.now() - started) / 1000;
  console.log(
    `\nruns ${runs.length}, runs with survivors ${survivors}, runs with held ports ${held}, ` +
      `restart failures ${failures}; replicas gone after the kill: median ` +
      `${gone[Math.floor(gone.length / 2)]?.toFixed(0)} ms, max ${gone.at(-1)?.toFixed(0)} ms; ` +
      `keys acked before a kill: ${runs.reduce((s, r) => s + r.acked, 0)}; wall ${wall.toFixed(1)} s`,
  );
  if (survivors + held + failures > 0) process.exitCode = 1;
}

void main();
