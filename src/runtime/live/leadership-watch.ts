import type { TimedEvent } from '../../checker/leadership/events';
import { ROLES, type ReplicaEvent, type Role } from '../../core/events';
import type { NodeId } from '../../core/ids';

/**
 * Who each replica of a live cluster says leads, from the role and leader events it reports
 * (`Cluster`'s `onEvent`), each stamped with the observer's clock on arrival. It answers the
 * questions failover measurements ask: when did a majority first agree on a new leader, and
 * does every running replica follow one leader now. The events it keeps are the leadership
 * checker's `TimedEvent`s.
 */
export interface NodeView {
  readonly role: Role | undefined;
  /** The latest term the node reported with a role or leader event. */
  readonly term: number;
  readonly leader: string | null;
}

export interface LeaderAgreement {
  readonly leader: string;
  readonly term: number;
  /** When the `count`-th node came to name this leader (observer's clock, ms). */
  readonly at: number;
  readonly count: number;
}

export interface AgreementQuery {
  /** How many nodes must name the same leader in the same term. */
  readonly count: number;
  /** Only agreement reached at or after this time counts (earlier agreement is reported at `since`). */
  readonly since?: number;
  /** Only leaders of a later term than this. */
  readonly aboveTerm?: number;
  /** Leaders that do not count, and nodes whose view does not (e.g. a killed one). */
  readonly exclude?: readonly string[];
}

const UNKNOWN: NodeView = { role: undefined, term: 0, leader: null };

export class LeadershipWatch {
  readonly events: TimedEvent[] = [];
  private readonly views = new Map<string, NodeView>();

  constructor(
    readonly nodes: readonly string[],
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const n of nodes) this.views.set(n, UNKNOWN);
  }

  /** Record what `node` reported; anything but a role or leader event is ignored. */
  record(node: string, event: unknown): void {
    const ev = asLeadershipEvent(event);
    const view = this.views.get(node);
    if (!ev || !view) return;
    this.events.push({ node, at: this.now(), event: ev });
    this.views.set(node, apply(view, ev));
  }

  view(node: string): NodeView | undefined {
    return this.views.get(node);
  }

  /** `node`'s view after each of its events, in order (its role, term and leader over time). */
  timeline(node: string): { at: number; view: NodeView }[] {
    let view = UNKNOWN;
    const out: { at: number; view: NodeView }[] = [];
    for (const e of this.events) {
      if (e.node !== node) continue;
      const ev = asLeadershipEvent(e.event);
      if (!ev) continue;
      view = apply(view, ev);
      out.push({ at: e.at, view });
    }
    return out;
  }

  /** The leader every node in `nodes` names now, if they all name the same one. */
  agreedLeader(nodes: readonly string[] = this.nodes): string | undefined {
    const leaders = new Set(nodes.map((n) => this.views.get(n)?.leader ?? null));
    const [only] = leaders;
    return leaders.size === 1 && only !== null ? only : undefined;
  }

  /**
   * The first moment (at or after `since`) when `count` nodes, not excluded, named the same
   * leader, not excluded, in the same term above `aboveTerm`: replayed from the events.
   */
  agreement(query: AgreementQuery): LeaderAgreement | undefined {
    const since = query.since ?? -Infinity;
    const aboveTerm = query.aboveTerm ?? -1;
    const excluded = new Set(query.exclude ?? []);
    const views = new Map<string, NodeView>(this.nodes.map((n) => [n, UNKNOWN]));
    const check = (at: number): LeaderAgreement | undefined => {
      const counts = new Map<string, { leader: string; term: number; count: number }>();
      for (const [node, v] of views) {
        if (excluded.has(node) || v.leader === null || excluded.has(v.leader)) continue;
        if (v.term <= aboveTerm) continue;
        const key = `${v.leader}@${v.term}`;
        const c = counts.get(key) ?? { leader: v.leader, term: v.term, count: 0 };
        c.count++;
        counts.set(key, c);
      }
      for (const c of counts.values()) {
        if (c.count >= query.count) return { leader: c.leader, term: c.term, at, count: c.count };
      }
      return undefined;
    };
    let i = 0;
    for (; i < this.events.length && this.events[i].at < since; i++)
      this.replay(views, this.events[i]);
    if (since > -Infinity) {
      const already = check(since);
      if (already) return already;
    }
    for (; i < this.events.length; i++) {
      this.replay(views, this.events[i]);
      const found = check(this.events[i].at);
      if (found) return found;
    }
    return undefined;
  }

  private replay(views: Map<string, NodeView>, e: TimedEvent): void {
    const ev = asLeadershipEvent(e.event);
    if (ev) views.set(e.node, apply(views.get(e.node) ?? UNKNOWN, ev));
  }

  /** Poll `probe` every `everyMs` until it returns something, or fail after `timeoutMs`. */
  async waitFor<T>(
    probe: () => T | undefined,
    timeoutMs: number,
    what: string,
    everyMs = 10,
  ): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (performance.now() >= deadline) {
        throw new Error(`${what}: not within ${timeoutMs} ms; views: ${this.describe()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** Every node's view in one line, for diagnostics. */
  describe(): string {
    return this.nodes
      .map((n) => {
        const v = this.views.get(n);
        return `${n}=${v?.role ?? '?'}@${v?.term ?? '?'}→${v?.leader ?? 'none'}`;
      })
      .join(' ');
  }
}

function apply(view: NodeView, ev: LeadershipEvent): NodeView {
  const term = ev.term ?? view.term;
  if (ev.kind === 'role') return { ...view, role: ev.role, term };
  return { ...view, leader: ev.leader, term };
}

type LeadershipEvent = Extract<ReplicaEvent, { kind: 'role' | 'leader' }>;

/** A role or leader event as a child process reported it (JSON from its stdout), or undefined. */
function asLeadershipEvent(value: unknown): LeadershipEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const term = typeof v.term === 'number' ? v.term : undefined;
  const withTerm = term === undefined ? {} : { term };
  if (v.kind === 'role' && typeof v.role === 'string' && ROLES.has(v.role)) {
    return { kind: 'role', role: v.role as Role, ...withTerm };
  }
  if (v.kind === 'leader' && (v.leader === null || typeof v.leader === 'string')) {
    return { kind: 'leader', leader: v.leader as NodeId | null, ...withTerm };
  }
  return undefined;
}
