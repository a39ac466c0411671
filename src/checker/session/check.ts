import type { HistoryOp } from '../../workload/history';
import {
  analyseCausal,
  collectCausalOps,
  DEFAULT_MAX_WITNESSES,
  FORBIDS,
  Refs,
  registerSemantics,
  shortestCausalPath,
  type BadPattern,
  type CausalModel,
  type CausalOptions,
  type OpRef,
  type PatternInstance,
  type Step,
} from '../causal';
import { classifyPath, SESSION_GUARANTEES, type SessionGuarantee } from './classify';

export type SessionOptions = CausalOptions;

export interface SessionViolation {
  readonly guarantee: SessionGuarantee;
  /** The session whose read broke it. */
  readonly session: string;
  /** The write the read should have seen (or something newer). */
  readonly missed: OpRef;
  readonly read: OpRef;
  /** The write the read returned; null when it returned the initial value. */
  readonly observed: OpRef | null;
  /** The shortest causal path from `missed` to `read`: why the read should have seen it. */
  readonly path: Step[];
}

/** A causal-model violation that breaks none of the four guarantees. */
export interface BeyondSessions {
  readonly pattern: BadPattern;
  readonly kind: 'convergence' | 'causal-memory' | 'causality';
  readonly forbids: readonly CausalModel[];
  readonly ops: OpRef[];
}

export interface SessionResult {
  readonly verdict: 'ok' | 'violation' | 'not-applicable';
  /** Violations per guarantee; null when not applicable. */
  readonly guarantees: Readonly<Record<SessionGuarantee, number>> | null;
  readonly violations: SessionViolation[];
  readonly omitted: number;
  /** Found by the causal patterns, yet not a session guarantee: divergence, CM, cycles. */
  readonly beyond: BeyondSessions[];
  readonly sessions: number;
  readonly reason?: string;
}

/**
 * Read-your-writes, monotonic reads, monotonic writes and writes-follow-reads per client
 * session, for register histories with unique values. "w is older than w'" is inferred safely
 * as `w →CO w'`. Each WriteCOInitRead or WriteCORead pattern is a read that missed a write in
 * its causal past; the shortest causal path from that write says which guarantee failed
 * (causal.md). The four together are causal consistency (Brzeziński et al. 2004), so what
 * the patterns find beyond them is convergence (CCv) or causal memory (CM).
 */
export function checkSessions(
  history: readonly HistoryOp[],
  options: SessionOptions = {},
): SessionResult {
  const semantics = options.semantics ?? registerSemantics(options.model);
  const collected = collectCausalOps(history, semantics, options.lines);
  if (collected.notApplicable !== undefined) {
    return {
      verdict: 'not-applicable',
      guarantees: null,
      violations: [],
      omitted: 0,
      beyond: [],
      sessions: collected.sessions.length,
      reason: `not a differentiated register history: ${collected.notApplicable}`,
    };
  }
  const { relations, instances } = analyseCausal(collected);
  const refs = new Refs(relations, collected.sessions, options.lines);
  const guarantees: Record<SessionGuarantee, number> = {
    'read-your-writes': 0,
    'monotonic-reads': 0,
    'monotonic-writes': 0,
    'writes-follow-reads': 0,
  };
  const violations: SessionViolation[] = [];
  const beyond: BeyondSessions[] = [];
  const limit = options.maxWitnesses ?? DEFAULT_MAX_WITNESSES;
  for (const instance of instances) {
    const role = (name: string): number => instance.ops.find((o) => o.role === name)?.op ?? -1;
    const kind = beyondKind(instance);
    if (kind !== undefined) {
      if (beyond.length < limit) {
        beyond.push({
          pattern: instance.pattern,
          kind,
          forbids: FORBIDS[instance.pattern],
          ops: instance.ops.map((o) => refs.op(o.op, o.role)),
        });
      }
      continue;
    }
    const missed = instance.pattern === 'WriteCORead' ? role('w2') : role('w');
    const read = role('r');
    const path = shortestCausalPath(relations, missed, read);
    if (path === undefined || path.length === 0) continue;
    const guarantee = classifyPath(relations, path);
    guarantees[guarantee]++;
    if (violations.length >= limit) continue;
    const observed = relations.source[read];
    violations.push({
      guarantee,
      session: refs.op(read).session,
      missed: refs.op(missed),
      read: refs.op(read),
      observed: observed < 0 ? null : refs.op(observed),
      path: refs.steps(path, false),
    });
  }
  const broken = SESSION_GUARANTEES.reduce((sum, g) => sum + guarantees[g], 0);
  return {
    verdict: broken > 0 ? 'violation' : 'ok',
    guarantees,
    violations,
    omitted: broken - violations.length,
    beyond,
    sessions: collected.sessions.length,
  };
}

function beyondKind(instance: PatternInstance): BeyondSessions['kind'] | undefined {
  switch (instance.pattern) {
    case 'WriteCOInitRead':
    case 'WriteCORead':
      return undefined;
    case 'CyclicCF':
      return 'convergence';
    case 'WriteHBInitRead':
    case 'CyclicHB':
      return 'causal-memory';
    case 'CyclicCO':
    case 'ThinAirRead':
      return 'causality';
  }
}
