import { completedOps, type CompletedOp } from './completed';
import {
  sameValue,
  showValue,
  type HistoryOp,
  type Key,
  type ProcessId,
  type Value,
} from '../../workload/history';

/**
 * What a register's reads mean: the value it holds before any write (the paper's ⊥), and
 * whether a `null` read is "unknown" rather than a value (Knossos' `cas-register`).
 */
export interface RegisterSemantics {
  readonly initial: Value;
  readonly nullReadIsUnknown: boolean;
}

/** The semantics of each model name `geolab check --model` knows. */
export function registerSemantics(model: string | undefined): RegisterSemantics {
  switch (model) {
    case 'cas-register':
      return { initial: 0, nullReadIsUnknown: true };
    case 'kv':
      return { initial: '', nullReadIsUnknown: false };
    default:
      return { initial: null, nullReadIsUnknown: false };
  }
}

/**
 * One read or write of a differentiated register history (Bouajjani et al. 2017, §2). A
 * successful cas is two of them, `R(x,a)` then `W(x,b)`, from the same events.
 */
export interface CausalOp {
  readonly id: number;
  /** Session (index into `sessions`) and position in its program order. */
  readonly session: number;
  readonly position: number;
  readonly process: ProcessId;
  readonly kind: 'read' | 'write';
  /** The history's function: read, write, cas, get, put. */
  readonly f: string;
  readonly key: Key | undefined;
  readonly keyId: string;
  readonly value: Value;
  readonly valueId: string;
  /** A read of the initial value ⊥. */
  readonly initial: boolean;
  /** Positions of the invocation and completion in the history (completion -1: none). */
  readonly invoke: number;
  readonly completion: number;
  readonly call: number;
  /** +Infinity when the outcome is unknown. */
  readonly ret: number;
}

export interface Session {
  readonly process: ProcessId;
  /** 0 for a process's first session; one more after each op whose outcome is unknown. */
  readonly epoch: number;
  /** Op ids in program order. */
  readonly ops: number[];
}

export interface CausalHistory {
  readonly ops: CausalOp[];
  readonly sessions: Session[];
  /** Why the bad-pattern method does not apply (values not unique, not a register), if so. */
  readonly notApplicable?: string;
}

const REGISTER_FUNCTIONS: Readonly<Record<string, 'read' | 'write' | 'cas'>> = {
  read: 'read',
  get: 'read',
  write: 'write',
  put: 'write',
  cas: 'cas',
};

/**
 * Reads a history as the paper's differentiated register history, with causal.md's
 * preprocessing: failed ops and reads without a result are dropped; an op whose outcome is
 * unknown (`info`, or never completed) stays, as the last op of its session, and the process's
 * next op starts a new session, as Jepsen gives a crashed client a new process; a failed cas
 * saw an unknown value and is dropped.
 */
export function collectCausalOps(
  history: readonly HistoryOp[],
  semantics: RegisterSemantics,
  lines?: readonly number[],
): CausalHistory {
  const ops: CausalOp[] = [];
  const sessions: Session[] = [];
  const current = new Map<ProcessId, number>();
  const epochs = new Map<ProcessId, number>();
  const written = new Map<string, number>();
  let notApplicable: string | undefined;
  const lineOf = (i: number): number => lines?.[i] ?? i + 1;

  const sessionOf = (process: ProcessId): number => {
    let s = current.get(process);
    if (s === undefined) {
      const epoch = epochs.get(process) ?? 0;
      epochs.set(process, epoch + 1);
      s = sessions.push({ process, epoch, ops: [] }) - 1;
      current.set(process, s);
    }
    return s;
  };
  const add = (invoke: CompletedOp, kind: 'read' | 'write', value: Value): void => {
    const invokeAt = invoke.invoke;
    const s = sessionOf(invoke.process);
    const keyId = JSON.stringify(invoke.key ?? null);
    const valueId = JSON.stringify(value);
    const initial = kind === 'read' && sameValue(value, semantics.initial);
    if (kind === 'write' && notApplicable === undefined) {
      const where = `key ${showValue(invoke.key ?? null)} (line ${lineOf(invokeAt)})`;
      const before = written.get(`${keyId} ${valueId}`);
      if (sameValue(value, semantics.initial)) {
        notApplicable = `${where}: writes the initial value ${showValue(value)}`;
      } else if (before !== undefined) {
        notApplicable = `${where}: writes ${showValue(value)} again (first on line ${before})`;
      }
      written.set(`${keyId} ${valueId}`, lineOf(invokeAt));
    }
    const id = ops.length;
    ops.push({
      id,
      session: s,
      position: sessions[s].ops.push(id) - 1,
      process: invoke.process,
      kind,
      f: invoke.f,
      key: invoke.key,
      keyId,
      value,
      valueId,
      initial,
      invoke: invokeAt,
      completion: invoke.completion,
      call: invoke.call,
      ret: invoke.ret,
    });
  };
  for (const op of completedOps(history)) {
    const f = REGISTER_FUNCTIONS[op.f];
    if (f === undefined) {
      notApplicable ??=
        `line ${lineOf(op.invoke)}: ${op.f} is not a register operation ` +
        '(causal and session checks read read/write/cas registers, or get/put)';
      continue;
    }
    if (op.type === 'fail') continue;
    const known = op.type === 'ok';
    if (f === 'read') {
      const value = op.result ?? null;
      if (known && !(value === null && semantics.nullReadIsUnknown)) add(op, 'read', value);
    } else if (f === 'write') {
      add(op, 'write', op.argument);
    } else {
      const v = op.argument;
      if (!Array.isArray(v) || v.length !== 2) {
        notApplicable ??= `line ${lineOf(op.invoke)}: a cas takes [expected new]`;
        continue;
      }
      // A cas that swapped read `expected` and wrote `new` atomically (causal.md, recipe).
      if (known) add(op, 'read', v[0] as Value);
      add(op, 'write', v[1] as Value);
    }
    if (!known) current.delete(op.process);
  }
  return notApplicable === undefined ? { ops, sessions } : { ops, sessions, notApplicable };
}

/** `write(x, 1)`, `read(x) → 1`, `read(x) → ⊥`, as the paper writes them. */
export function describeCausalOp(op: CausalOp): string {
  const key = op.key === undefined ? '' : `${showValue(op.key)}, `;
  const via = op.f === 'cas' ? ` (cas)` : '';
  if (op.kind === 'write') {
    return `write(${key}${showValue(op.value)})${op.ret === Infinity ? ' → ?' : ''}${via}`;
  }
  return `read(${key.slice(0, -2)}) → ${op.initial ? '⊥' : showValue(op.value)}${via}`;
}
