/**
 * npm run bench:crash-replicas — crash safety of geolab's replicas: RUNS (default 100) times,
 * start a fresh 3-region × REPLICAS (default 1) Raft cluster on free ports with the embedded
 * Toxiproxy, let one client per region append unique values to four lists for DURATION_MS
 * (default 4000), and `kill -9` one to three replicas at random moments (SEED, default 11):
 * the leader or a follower, sometimes the instant an append is acknowledged, sometimes while
 * another is down (no majority, or the whole cluster down). Each restarts over its own data
 * directory after 0–1.5 s; once one leader is followed by every replica, every region reads
 * every list. Every acknowledged append must be in every final read, and every history must
 * be linearizable. Exit code 1 on any lost append, non-linearizable history, failed run or
 * process left behind. Needs `npm run build`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/random';
import { replicaCrashRun, type ReplicaCrashRun } from '../src/runtime/live/replica-crash';

const RUNS = Number(process.env.RUNS ?? 100);
const SEED = process.env.SEED ?? '11';
const REPLICAS = Number(process.env.REPLICAS ?? 1);
const DURATION_MS = Number(process.env.DURATION_MS ?? 4000);

function describeKills(run: ReplicaCrashRun): string {
  return run.kills
    .map(
      (k) =>
        `${k.node} (${k.role}${k.afterAck ? ', on an ack' : ''}${k.othersDown > 0 ? `, ${k.othersDown} down` : ''}) ` +
        `at ${k.killedAtMs.toFixed(0)} ms, back in ${k.restartMs.toFixed(0)} ms`,
    )
    .join('; ');
}

function verdictOf(run: ReplicaCrashRun): string {
  if (run.error !== undefined) return `ERROR ${run.error}`;
  const parts: string[] = [run.linearizability];
  if (run.lost.length > 0) {
    parts.push(
      `LOST ${run.lost.map((l) => `${JSON.stringify(l.value)} of ${l.key} in ${l.region}`).join(', ')}`,
    );
  }
  if (run.unread.length > 0) parts.push(`unread ${run.unread.join(', ')}`);
  if (run.leftover.length > 0) parts.push(`LEFT ${run.leftover.join('; ')}`);
  return parts.join(', ');
}

function failed(run: ReplicaCrashRun): boolean {
  return (
    run.error !== undefined ||
    run.lost.length > 0 ||
    run.unread.length > 0 ||
    run.leftover.length > 0 ||
    run.linearizability === 'not-linearizable'
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'geolab-kill-'));
  const rng = new Rng(SEED);
  const started = performance.now();
  const runs: ReplicaCrashRun[] = [];
  console.log(
    `kill -9 of replicas: ${RUNS} runs, seed ${SEED}, 3 regions × ${REPLICAS} Raft replicas, ` +
      `clients ${DURATION_MS} ms per run`,
  );
  try {
    for (let i = 0; i < RUNS; i++) {
      const runDir = join(dir, `run-${i}`);
      mkdirSync(runDir);
      const run = await replicaCrashRun({
        dir: runDir,
        rng: rng.fork(`run-${i}`),
        replicasPerRegion: REPLICAS,
        durationMs: DURATION_MS,
      });
      runs.push(run);
      rmSync(runDir, { recursive: true, force: true });
      console.log(
        `run ${String(i + 1).padStart(3)}: ${run.acknowledged} appends acked, ` +
          `${run.ops.info} unknown; kills: ${describeKills(run)}; ` +
          `settled in ${run.settleMs.toFixed(0)} ms: ${verdictOf(run)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const kills = runs.flatMap((r) => r.kills);
  const restarts = kills.map((k) => k.restartMs).sort((a, b) => a - b);
  const count = (v: string): number => runs.filter((r) => r.linearizability === v).length;
  const bad = runs.filter(failed).length;
  const wall = (performance.now() - started) / 1000;
  console.log(
    `\nruns ${runs.length} (failed ${bad}), kills ${kills.length} ` +
      `(of the leader ${kills.filter((k) => k.role === 'leader').length}, on an ack ` +
      `${kills.filter((k) => k.afterAck).length}, with another replica down ` +
      `${kills.filter((k) => k.othersDown > 0).length}, with both others down ` +
      `${kills.filter((k) => k.othersDown >= 2).length}); ` +
      `acknowledged appends ${runs.reduce((s, r) => s + r.acknowledged, 0)}, ` +
      `lost ${runs.reduce((s, r) => s + r.lost.length, 0)}, ` +
      `unread ${runs.reduce((s, r) => s + r.unread.length, 0)}; ` +
      `linearizable ${count('linearizable')}, not linearizable ${count('not-linearizable')}, ` +
      `unknown ${count('unknown')}; restart median ` +
      `${restarts[Math.floor(restarts.length / 2)]?.toFixed(0)} ms, max ` +
      `${restarts.at(-1)?.toFixed(0)} ms; processes left ` +
      `${runs.reduce((s, r) => s + r.leftover.length, 0)}; wall ${wall.toFixed(1)} s`,
  );
  if (bad > 0) process.exitCode = 1;
}

void main();
