import type { Topology } from '../topology';
import type { NodeState } from './protocol';
import type { EventLog } from './session';

interface Seen {
  role: string | undefined;
  term: number | null;
  leader: string | null;
  commitIndex: number | null;
  /** The replica's `keys` gauge (modes report it once a second when it changed). */
  keys: number | null;
}

/**
 * What each replica said about itself (its role, term, leader and commit events, live from
 * the Cluster's `onEvent`, simulated from the Simulation's), turned into the map's replicas
 * and into plain-words events: "us-east-1-n2 elected leader (term 4)".
 */
export class ReplicaBoard {
  private readonly seen = new Map<string, Seen>();
  private conflictsThisSecond = 0;
  private conflictExample = '';
  private conflictTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly log: EventLog,
    private readonly onConflict: (node: string) => void = () => undefined,
  ) {
    for (const n of topology.nodes) {
      this.seen.set(n.id, {
        role: undefined,
        term: null,
        leader: null,
        commitIndex: null,
        keys: null,
      });
    }
  }

  /** One event a replica emitted (anything but role, leader, commit, conflict and the `keys` gauge is ignored). */
  observe(node: string, event: unknown): void {
    const seen = this.seen.get(node);
    if (!seen || typeof event !== 'object' || event === null) return;
    const e = event as Record<string, unknown>;
    const term = typeof e.term === 'number' ? e.term : seen.term;
    if (e.kind === 'role' && typeof e.role === 'string') {
      const was = seen.role;
      seen.role = e.role;
      seen.term = term;
      const word = this.topology.replication.mode === 'single-leader' ? 'term' : 'epoch';
      if (e.role === 'leader' || e.role === 'primary') {
        const what = e.role === 'leader' ? 'elected leader' : 'became primary';
        this.log.say('election', `${node} ${what} (${word} ${term ?? '?'})`);
      } else if ((was === 'leader' || was === 'primary') && e.role !== was) {
        this.log.say('step-down', `${node} stepped down to ${e.role} (${word} ${term ?? '?'})`);
      }
    } else if (e.kind === 'leader' && (e.leader === null || typeof e.leader === 'string')) {
      seen.leader = e.leader;
      seen.term = term;
    } else if (e.kind === 'commit' && typeof e.index === 'number') {
      seen.commitIndex = e.index;
    } else if (e.kind === 'metric' && e.name === 'keys' && typeof e.value === 'number') {
      seen.keys = e.value;
    } else if (e.kind === 'conflict') {
      this.onConflict(node);
      this.conflict(node, e);
    }
  }

  /** The leader (or primary) of the highest term among replicas that are up. */
  leader(isUp: (node: string) => boolean): string | undefined {
    let best: [string, number] | undefined;
    for (const [node, s] of this.seen) {
      if ((s.role === 'leader' || s.role === 'primary') && isUp(node)) {
        if (!best || (s.term ?? 0) > best[1]) best = [node, s.term ?? 0];
      }
    }
    return best?.[0];
  }

  /** The replicas as the map shows them; `keys` when the runtime can count them. */
  nodes(isUp: (node: string) => boolean, keys: (node: string) => number | null): NodeState[] {
    const top = Math.max(-1, ...[...this.seen.values()].map((s) => s.commitIndex ?? -1));
    return this.topology.nodes.map((n) => {
      const s = this.seen.get(n.id) as Seen;
      const up = isUp(n.id);
      return {
        id: n.id,
        region: n.region,
        role: up ? (s.role ?? 'replica') : 'down',
        up,
        term: s.term,
        commitIndex: s.commitIndex,
        lag: s.commitIndex === null || top < 0 ? null : top - s.commitIndex,
        keys: keys(n.id) ?? s.keys,
      };
    });
  }

  close(): void {
    clearTimeout(this.conflictTimer);
  }

  /** Conflicts come in bursts: one event a second says how many, with an example. */
  private conflict(node: string, e: Record<string, unknown>): void {
    this.conflictsThisSecond++;
    if (this.conflictExample === '') {
      const siblings = typeof e.siblings === 'number' ? `${e.siblings} siblings` : 'siblings';
      this.conflictExample = `key ${String(e.key)} at ${node}, ${siblings} resolved by ${String(e.resolver)}`;
    }
    if (this.conflictTimer !== undefined) return;
    this.conflictTimer = setTimeout(() => {
      const n = this.conflictsThisSecond;
      this.log.say(
        'conflict',
        `${n} conflict${n === 1 ? '' : 's'} between concurrent writes (e.g. ${this.conflictExample})`,
      );
      this.conflictsThisSecond = 0;
      this.conflictExample = '';
      this.conflictTimer = undefined;
    }, 1000);
  }
}
