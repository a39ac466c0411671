import type { HistoryOp } from '../../workload/history';
import { analyseCausal } from './analyse';
import { collectCausalOps, registerSemantics, type RegisterSemantics } from './ops';
import { shortestCausalPath } from './path';
import { FORBIDS, type BadPattern, type CausalModel, type PatternInstance } from './patterns';
import { Refs, type OpRef, type Step } from './witness';

export interface CausalOptions {
  /** A model name (`register`, `cas-register`, `kv`) for the initial value; default register. */
  readonly model?: string;
  readonly semantics?: RegisterSemantics;
  readonly lines?: readonly number[];
  /** How many violations to describe in full; the rest are only counted. Default 20. */
  readonly maxWitnesses?: number;
}

export interface CausalViolation {
  readonly pattern: BadPattern;
  readonly forbids: readonly CausalModel[];
  readonly ops: OpRef[];
  /** For the cyclic patterns: the cycle, back to its first op. */
  readonly cycle?: Step[];
  /** For WriteCORead and WriteCOInitRead: the causal path from the write r missed to r. */
  readonly path?: Step[];
  readonly explanation: string;
}

export type ModelVerdict = 'yes' | 'no';

export interface CausalResult {
  /** `not-applicable` when the history is not a differentiated register history. */
  readonly verdict: 'causal' | 'violation' | 'not-applicable';
  readonly models: Readonly<Record<CausalModel, ModelVerdict>> | null;
  readonly counts: Partial<Record<BadPattern, number>>;
  readonly violations: CausalViolation[];
  readonly omitted: number;
  readonly ops: number;
  readonly sessions: number;
  readonly reason?: string;
}

export const DEFAULT_MAX_WITNESSES = 20;

/**
 * Is a register history causally consistent (CC), causally convergent (CCv), causal memory
 * (CM)? By the bad patterns of Bouajjani, Enea, Guerraoui and Hamza (POPL 2017), which decide
 * all three in polynomial time for differentiated histories; for other histories the verdict is
 * `not-applicable` (checking them is NP-complete).
 */
export function checkCausal(
  history: readonly HistoryOp[],
  options: CausalOptions = {},
): CausalResult {
  const semantics = options.semantics ?? registerSemantics(options.model);
  const collected = collectCausalOps(history, semantics, options.lines);
  const size = { ops: collected.ops.length, sessions: collected.sessions.length };
  if (collected.notApplicable !== undefined) {
    return {
      verdict: 'not-applicable',
      models: null,
      counts: {},
      violations: [],
      omitted: 0,
      ...size,
      reason: `not a differentiated register history: ${collected.notApplicable}`,
    };
  }
  const { relations, instances } = analyseCausal(collected);
  const refs = new Refs(relations, collected.sessions, options.lines);
  const counts: Partial<Record<BadPattern, number>> = {};
  for (const i of instances) counts[i.pattern] = (counts[i.pattern] ?? 0) + 1;
  const models: Record<CausalModel, ModelVerdict> = { CC: 'yes', CCv: 'yes', CM: 'yes' };
  for (const i of instances) for (const m of FORBIDS[i.pattern]) models[m] = 'no';
  const limit = options.maxWitnesses ?? DEFAULT_MAX_WITNESSES;
  return {
    verdict: instances.length === 0 ? 'causal' : 'violation',
    models,
    counts,
    violations: instances.slice(0, limit).map((i) => describeInstance(i, refs, relations)),
    omitted: Math.max(0, instances.length - limit),
    ...size,
  };
}

function describeInstance(
  instance: PatternInstance,
  refs: Refs,
  rel: Parameters<typeof shortestCausalPath>[0],
): CausalViolation {
  const role = (name: string): number => instance.ops.find((o) => o.role === name)?.op ?? -1;
  const base = {
    pattern: instance.pattern,
    forbids: FORBIDS[instance.pattern],
    ops: instance.ops.map((o) => refs.op(o.op, o.role)),
  };
  const missed = instance.pattern === 'WriteCORead' ? role('w2') : role('w');
  const path =
    instance.pattern === 'WriteCORead' || instance.pattern === 'WriteCOInitRead'
      ? shortestCausalPath(rel, missed, role('r'))
      : undefined;
  return {
    ...base,
    ...(instance.cycle ? { cycle: refs.steps(instance.cycle, true) } : {}),
    ...(path ? { path: refs.steps(path, false) } : {}),
    explanation: EXPLANATIONS[instance.pattern],
  };
}

const EXPLANATIONS: Readonly<Record<BadPattern, string>> = {
  CyclicCO: 'program order and reads-from form a cycle: an op depends on its own future',
  WriteCOInitRead:
    'a read returns the initial value although a write of that key is in its causal past',
  ThinAirRead: 'a read returns a value that no write wrote',
  WriteCORead: 'a read returns w1 although w2, written causally after w1, is in its causal past',
  CyclicCF:
    'no single arbitration order exists: reads that saw one write and returned another force writes into a cycle',
  WriteHBInitRead:
    'in the happens-before order of this session, a write precedes a read that returned the initial value',
  CyclicHB: "this session's happens-before order is cyclic: no order of writes explains its reads",
};
