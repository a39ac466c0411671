import {
  checkLinearizability,
  defaultModel,
  formatWitness,
  type LinearizabilityResult,
} from '../../checker/linearizability';
import { findLostWrites, type LostWritesResult } from '../../checker/staleness';
import type { Seed } from '../../core/random';
import type { Topology } from '../../topology';
import { replicaMaker, type ReplicaMaker } from '../modes';
import { scheduleNemesis } from '../../faults/nemesis';
import { NEMESIS_FAULTS, type FaultWindow, type NemesisSpec } from '../../faults/types';
import { RoleBook, SimFaultTarget } from './sim-target';
import { finalReads } from './final-reads';
import { Simulation } from './simulation';
import { driveWorkload } from './workload';

/**
 * One seeded chaos run, Jepsen's shape in virtual time: the topology's workload from every
 * region while a random nemesis plays, then every fault healed, a pause for the system to
 * recover, and a final read of every key from every region (so lost writes can be judged);
 * then the checkers. The soak tests and `npm run bench:raft-soak` run many seeds of it.
 */
export interface ChaosOptions {
  readonly seed: Seed;
  /** How long clients issue ops and the nemesis plays (virtual ms). */
  readonly durationMs: number;
  readonly nemesis?: Partial<Omit<NemesisSpec, 'fromMs' | 'untilMs' | 'seed'>>;
  /** Quiet time after the workload and the faults end, before the final reads (ms). */
  readonly settleMs?: number;
  /** The replicas; default: the topology's mode. */
  readonly replica?: ReplicaMaker;
  /** Linearizability search budget (ms), as `geolab check --time-limit`. */
  readonly checkTimeLimitMs?: number;
}

export interface ChaosResult {
  readonly seed: Seed;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly faults: readonly FaultWindow[];
  readonly linearizability: LinearizabilityResult;
  readonly lostWrites: LostWritesResult;
  /** The history as JSON Lines, to replay a failure in `geolab check`. */
  readonly historyJsonl: string;
  /** Whether every check passed: linearizable and nothing lost. */
  readonly passed: boolean;
  /** What failed, in plain words with the witness; empty when passed. */
  readonly explanation: string;
}

export function chaosRun(topology: Topology, options: ChaosOptions): ChaosResult {
  // Who leads, from the replicas' role events: the nemesis aims process faults at it.
  const roles = new RoleBook();
  const sim = new Simulation({
    topology,
    seed: options.seed,
    replica: options.replica ?? replicaMaker(topology),
    onEvent: (node, _at, ev) => {
      if (ev.kind === 'role') roles.observe(node, ev.role, ev.term ?? 0);
    },
  });
  const target = new SimFaultTarget(sim, topology, roles);
  const duration = options.durationMs;
  driveWorkload(sim, topology, sim.random('workload'), { durationMs: duration });
  const faults = scheduleNemesis(target, sim, sim.random('nemesis'), {
    seed: 0,
    faults: NEMESIS_FAULTS,
    faultMs: [1000, 4000],
    gapMs: [300, 1500],
    ...options.nemesis,
    fromMs: 1000,
    untilMs: duration,
  });
  const reads = duration + topology.clientTimeoutMs + (options.settleMs ?? 5000);
  sim.at(reads, () => finalReads(sim, topology));
  let panic: string | undefined;
  try {
    sim.runUntil(reads + topology.clientTimeoutMs + 1000);
  } catch (e) {
    // A replica that finds its invariants broken throws, as etcd-io/raft panics: the run
    // stops there, and that is a failure in its own right (the history so far is checked too).
    panic = `a replica panicked at ${sim.now} ms: ${e instanceof Error ? e.message : String(e)}`;
  }

  const ops = { ok: 0, fail: 0, info: 0 };
  for (const op of sim.history)
    if (op.type !== 'invoke' && typeof op.process === 'number') ops[op.type]++;
  const model = defaultModel(sim.history, 'jsonl');
  const linearizability = checkLinearizability(sim.history, model, {
    timeLimitMs: options.checkTimeLimitMs,
  });
  const lostWrites = findLostWrites(sim.history, { model: model.name });
  const problems: string[] = panic === undefined ? [] : [panic];
  if (linearizability.verdict !== 'linearizable') {
    problems.push(
      `linearizability: ${linearizability.verdict}` +
        (linearizability.witness ? `\n${formatWitness(linearizability.witness)}` : ''),
    );
  }
  if (lostWrites.verdict === 'lost') {
    problems.push(
      `lost acknowledged writes: ${lostWrites.lost.map((l) => `${l.key} ${JSON.stringify(l.write)}`).join('; ')}`,
    );
  }
  return {
    seed: options.seed,
    ops,
    faults,
    linearizability,
    lostWrites,
    historyJsonl: sim.historyJsonl(),
    passed: problems.length === 0,
    explanation: problems.join('\n'),
  };
}
