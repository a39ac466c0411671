import {
  isClient,
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
  const inFlight = new Map<ProcessId, number>();
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
  const add = (
    invokeAt: number,
    completeAt: number,
    kind: 'read' | 'write',
    value: Value,
    known: boolean,
  ): void => {
    const invoke = history[invokeAt];
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
      completion: completeAt,
      call: invoke.time,
      ret: known ? history[completeAt].time : Infinity,
    });
  };
  const pair = (invokeAt: number, completeAt: number): void => {
    const invoke = history[invokeAt];
    const completion = completeAt < 0 ? undefined : history[completeAt];
    const known = completion !== undefined && completion.type !== 'info';
    const f = REGISTER_FUNCTIONS[invoke.f];
    if (f === undefined) {
      notApplicable ??=
        `line ${lineOf(invokeAt)}: ${invoke.f} is not a register operation ` +
        '(causal and session checks read read/write/cas registers, or get/put)';
      return;
    }
    if (known && completion.type === 'fail') return;
    if (f === 'read') {
      const value = known ? completion.value : null;
      if (known && !(value === null && semantics.nullReadIsUnknown)) {
        add(invokeAt, completeAt, 'read', value, true);
      }
    } else if (f === 'write') {
      add(invokeAt, completeAt, 'write', invoke.value, known);
    } else {
      const v = invoke.value;
      if (!Array.isArray(v) || v.length !== 2) {
        notApplicable ??= `line ${lineOf(invokeAt)}: a cas takes [expected new]`;
        return;
      }
      // A cas that swapped read `expected` and wrote `new` atomically (causal.md, recipe).
      if (known) add(invokeAt, completeAt, 'read', v[0] as Value, true);
      add(invokeAt, completeAt, 'write', v[1] as Value, known);
    }
    if (!known) current.delete(invoke.process);
  };

  history.forEach((op, i) => {
    if (!isClient(op)) return;
    if (op.type === 'invoke') {
      inFlight.set(op.process, i);
      return;
    }
    const invokeAt = inFlight.get(op.process);
    if (invokeAt === undefined) return;
    inFlight.delete(op.process);
    pair(invokeAt, i);
  });
  for (const invokeAt of inFlight.values()) pair(invokeAt, -1);
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
