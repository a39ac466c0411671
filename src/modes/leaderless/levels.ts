/**
 * Levels per request: which levels each operation accepts, what they wait for (the arithmetic
 * is core/consistency's, shared with topology validation), whom a read asks first, and the
 * tally of acknowledgements as they arrive.
 */
import {
  countRequirement,
  isConsistencyLevel,
  isMet,
  requirementOf,
  type AckRequirement,
  type ConsistencyLevel,
} from '../../core/consistency';
import type { NodeId } from '../../core/ids';
import type { LeaderlessConfig, LevelSpec } from './config';

/** How one request is served. */
export type LevelPlan =
  | { readonly kind: 'quorum'; readonly level: string; readonly requirement: AckRequirement }
  /** A Paxos round among all replicas (SERIAL) or the coordinator region's (LOCAL_SERIAL). */
  | { readonly kind: 'serial'; readonly level: 'SERIAL' | 'LOCAL_SERIAL'; readonly local: boolean };

export type LevelChoice =
  { readonly ok: true; readonly plan: LevelPlan } | { readonly ok: false; readonly reason: string };

const SERIAL_LEVELS = ['SERIAL', 'LOCAL_SERIAL'] as const;

function describe(spec: LevelSpec, what: 'r' | 'w'): string {
  return typeof spec === 'string' ? spec : `${what}=${spec.count}`;
}

export function requirementFor(
  spec: LevelSpec,
  config: LeaderlessConfig,
  localRegion: string,
): AckRequirement {
  return typeof spec === 'string'
    ? requirementOf(spec, config.replicationFactor, localRegion)
    : countRequirement(spec.count);
}

/**
 * The plan for an operation at the level it asked for (or the configured default): reads take
 * any level but ANY, writes any level; with `serial` on, both also take SERIAL and
 * LOCAL_SERIAL (a Paxos round: a linearizable read, or an unconditional write that cannot race
 * a cas), and compare-and-set takes only those two, SERIAL by default.
 */
export function chooseLevel(
  f: 'read' | 'write' | 'cas',
  requested: string | undefined,
  config: LeaderlessConfig,
  localRegion: string,
): LevelChoice {
  const serial = (SERIAL_LEVELS as readonly string[]).includes(requested ?? '');
  if (f === 'cas' || serial) {
    if (!config.serial) {
      return {
        ok: false,
        reason: `${f === 'cas' ? 'cas' : requested} needs serial: true (Paxos); quorum reads and writes cannot compare-and-set`,
      };
    }
    if (requested !== undefined && !serial) {
      return { ok: false, reason: `cas takes SERIAL or LOCAL_SERIAL, not ${requested}` };
    }
    const level = (requested ?? 'SERIAL') as 'SERIAL' | 'LOCAL_SERIAL';
    return { ok: true, plan: { kind: 'serial', level, local: level === 'LOCAL_SERIAL' } };
  }
  const fallback = f === 'read' ? config.read : config.write;
  let spec: LevelSpec = fallback;
  if (requested !== undefined) {
    if (!isConsistencyLevel(requested)) {
      return { ok: false, reason: `unknown consistency level ${requested}` };
    }
    spec = requested;
  }
  if (f === 'read' && spec === 'ANY') {
    return { ok: false, reason: 'ANY is a write level (reads take ONE, QUORUM, LOCAL_QUORUM, …)' };
  }
  return {
    ok: true,
    plan: {
      kind: 'quorum',
      level: describe(spec, f === 'read' ? 'r' : 'w'),
      requirement: requirementFor(spec, config, localRegion),
    },
  };
}

/** A replica that may answer, with its region. */
export interface Candidate {
  readonly id: NodeId;
  readonly region: string;
}

/**
 * The first candidates (in the order given: closest first) that together can meet the
 * requirement, or undefined when all of them cannot: what a read asks, and the availability
 * check made before a request is sent anywhere (Cassandra's UnavailableException).
 */
export function chooseTargets(
  req: AckRequirement,
  candidates: readonly Candidate[],
): Candidate[] | undefined {
  if (req.kind === 'anywhere') {
    return candidates.length >= req.count ? candidates.slice(0, req.count) : undefined;
  }
  const chosen: Candidate[] = [];
  for (const [region, need] of req.perRegion) {
    const inRegion = candidates.filter((c) => c.region === region).slice(0, need);
    if (inRegion.length < need) return undefined;
    chosen.push(...inRegion);
  }
  return candidates.filter((c) => chosen.includes(c));
}

/** Whether an answer from a replica in `region` counts toward the requirement at all. */
export function counts(req: AckRequirement, region: string): boolean {
  return req.kind === 'anywhere' || req.perRegion.has(region);
}

/** Acknowledgements so far: one per replica (stand-ins count for the replica they replace). */
export class AckTally {
  private readonly acked = new Map<NodeId, string>();
  private hints = 0;

  constructor(readonly requirement: AckRequirement) {}

  /** Records an acknowledgement; false when that replica had already acknowledged. */
  ack(replica: NodeId, region: string): boolean {
    if (this.acked.has(replica)) return false;
    this.acked.set(replica, region);
    return true;
  }

  has(replica: NodeId): boolean {
    return this.acked.has(replica);
  }

  /** A hint stored for a replica: counts only where the requirement says so (ANY). */
  hint(): void {
    this.hints++;
  }

  get count(): number {
    return this.acked.size;
  }

  met(): boolean {
    const req = this.requirement;
    if (req.kind === 'anywhere' && req.hintsCount) return this.acked.size + this.hints >= req.count;
    return isMet(req, this.acked.values());
  }
}

export type { ConsistencyLevel };
