import type { ProcessId } from '../../workload/history';
import type { CausalRelations } from './analysis';
import type { Edge, EdgeKind } from './graph';
import { describeCausalOp, type Session } from './ops';

/** An op as a witness names it: where it is in the file, who ran it, and when. */
export interface OpRef {
  /** Its part in the pattern (`w1`, `w2`, `r`, `o`, …), when it has one. */
  readonly role?: string;
  readonly process: ProcessId;
  /** The process, then `#k` for its k-th session after a crash (k ≥ 1). */
  readonly session: string;
  /** As the paper writes it: `write("x", 1)`, `read("x") → ⊥`. */
  readonly op: string;
  /** Position of the invocation in the history, from 0 (Jepsen's `:index`). */
  readonly index: number;
  readonly invokeLine: number;
  readonly completeLine: number | null;
  readonly invokedAt: number;
  readonly completedAt: number | null;
}

/** One step of a path or cycle: `op` then, by an edge of `edge`, the next step's op. */
export interface Step {
  readonly op: OpRef;
  /** Absent on the last op of an open path. */
  readonly edge?: EdgeKind;
  /** For cf and hb edges: the read that forces the order. */
  readonly because?: OpRef;
}

export function sessionName(session: Session): string {
  return session.epoch === 0 ? String(session.process) : `${session.process}#${session.epoch}`;
}

/** Turns op ids into references a person can find in the history file. */
export class Refs {
  constructor(
    private readonly rel: CausalRelations,
    private readonly sessions: readonly Session[],
    private readonly lines: readonly number[] | undefined,
  ) {}

  op(id: number, role?: string): OpRef {
    const o = this.rel.ops[id];
    const line = (at: number): number => this.lines?.[at] ?? at + 1;
    return {
      ...(role === undefined ? {} : { role }),
      process: o.process,
      session: sessionName(this.sessions[o.session]),
      op: describeCausalOp(o),
      index: o.invoke,
      invokeLine: line(o.invoke),
      completeLine: o.completion < 0 ? null : line(o.completion),
      invokedAt: o.call,
      completedAt: o.ret === Infinity ? null : o.ret,
    };
  }

  /** Steps of a path (ending with its last op, edge-less) or a cycle (back to its start). */
  steps(edges: readonly Edge[], closed: boolean): Step[] {
    const out: Step[] = edges.map((e) => ({
      op: this.op(e.from),
      edge: e.kind,
      ...(e.because === undefined ? {} : { because: this.op(e.because) }),
    }));
    if (!closed && edges.length > 0) {
      out.push({ op: this.op(edges[edges.length - 1].to) });
    }
    return out;
  }
}

const EDGE_WORDS: Readonly<Record<EdgeKind, string>> = {
  po: 'then, in program order,',
  wr: 'is read by',
  cf: 'must be arbitrated before',
  hb: 'happens before',
};

export function formatOpRef(o: OpRef): string {
  const done = o.completedAt === null ? 'never completed' : `completed ${o.completedAt}`;
  const lines =
    o.completeLine === null || o.completeLine === o.invokeLine
      ? `line ${o.invokeLine}`
      : `lines ${o.invokeLine}–${o.completeLine}`;
  return `process ${o.session}: ${o.op}   invoked ${o.invokedAt}, ${done} (${lines})`;
}

/** A path or cycle, one op per line, each edge said in words. */
export function formatSteps(steps: readonly Step[], closed: boolean, indent: string): string[] {
  const out: string[] = [];
  steps.forEach((s) => {
    out.push(`${indent}${formatOpRef(s.op)}`);
    if (s.edge === undefined) return;
    const why =
      s.because === undefined ? '' : ` (because of ${s.because.op}, line ${s.because.invokeLine})`;
    out.push(`${indent}  ${EDGE_WORDS[s.edge]}${why}`);
  });
  if (closed && steps.length > 0)
    out.push(`${indent}${formatOpRef(steps[0].op)}   (the cycle closes)`);
  return out;
}
