import type { Key, ProcessId } from '../../workload/history';
import type { Model } from './model';
import type { Operation } from './operations';
import type { DeadEnd } from './search';

/** One op as a person reads it in a witness. */
export interface WitnessOp {
  readonly process: ProcessId;
  /** The model's description, e.g. `read() → 3`, `cas(1, 2) → ok`, `write(4) → ?`. */
  readonly op: string;
  /** Invocation and completion times (ms); completion null when the outcome is unknown. */
  readonly invokedAt: number;
  readonly completedAt: number | null;
  /** Lines of the history file (or positions, 1-based, when no lines are known). */
  readonly invokeLine: number;
  readonly completeLine: number | null;
}

/**
 * Why a history is not linearizable, kept small enough to read: the deepest point the search
 * reached (as Knossos' analysis and Porcupine's visualisation show), the state there, the op
 * that had to take effect next and could not, and the concurrent ops that could not go first
 * either.
 */
export interface Witness {
  readonly key: Key | undefined;
  readonly model: string;
  /** How many ops the longest linearizable prefix found holds. */
  readonly linearized: number;
  /** Its last few ops, in linearization order. */
  readonly lastLinearized: WitnessOp[];
  /** The model state after that prefix. */
  readonly state: string;
  /** The op whose completion came next: it must have taken effect by then, and cannot. */
  readonly cannotLinearize: WitnessOp;
  /** Other pending ops that could have gone before it; none leads further. */
  readonly concurrent: WitnessOp[];
  /** How many more concurrent ops there were beyond those listed. */
  readonly concurrentOmitted: number;
}

export interface WitnessLimits {
  /** At most PREFIX_TAIL. */
  readonly lastLinearized: number;
  readonly concurrent: number;
}

export const DEFAULT_WITNESS_LIMITS: WitnessLimits = { lastLinearized: 3, concurrent: 6 };

export function buildWitness<S, I, O>(
  key: Key | undefined,
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  dead: DeadEnd<S>,
  lines: readonly number[] | undefined,
  limits: WitnessLimits = DEFAULT_WITNESS_LIMITS,
): Witness {
  const show = (i: number): WitnessOp => {
    const o = ops[i];
    const line = (at: number): number => lines?.[at] ?? at + 1;
    return {
      process: o.process,
      op: model.describeOperation(o.input, o.output),
      invokedAt: o.call,
      completedAt: o.ret === Infinity ? null : o.ret,
      invokeLine: line(o.invoke),
      completeLine: o.completion < 0 ? null : line(o.completion),
    };
  };
  // Ops with a known outcome first: they are the ones that constrain.
  const concurrent = [...dead.concurrent].sort(
    (a, b) => Number(ops[a].output === undefined) - Number(ops[b].output === undefined) || a - b,
  );
  return {
    key,
    model: model.name,
    linearized: dead.prefixLength,
    lastLinearized: dead.prefixTail.slice(-limits.lastLinearized).map(show),
    state: model.describeState(dead.state),
    cannotLinearize: show(dead.blocked),
    concurrent: concurrent.slice(0, limits.concurrent).map(show),
    concurrentOmitted: Math.max(0, concurrent.length - limits.concurrent),
  };
}

/** The witness as lines of text for a terminal. */
export function formatWitness(w: Witness): string {
  const op = (o: WitnessOp): string => {
    const done =
      o.completedAt === null
        ? 'never completed'
        : `completed ${o.completedAt} (line ${o.completeLine})`;
    return `process ${o.process}: ${o.op}   invoked ${o.invokedAt} (line ${o.invokeLine}), ${done}`;
  };
  const out = [
    `not linearizable${w.key === undefined ? '' : ` on key ${JSON.stringify(w.key)}`} (model ${w.model})`,
  ];
  out.push(`  longest linearizable prefix: ${w.linearized} ops, ending with`);
  for (const o of w.lastLinearized) out.push(`    ${op(o)}`);
  out.push(`  state then: ${w.state}`);
  out.push(`  cannot take effect next, yet completes before any other pending op:`);
  out.push(`    ${op(w.cannotLinearize)}`);
  if (w.concurrent.length > 0) {
    out.push(`  nor can any concurrent op go first and make it possible:`);
    for (const o of w.concurrent) out.push(`    ${op(o)}`);
    if (w.concurrentOmitted > 0) out.push(`    … and ${w.concurrentOmitted} more`);
  }
  return out.join('\n');
}
