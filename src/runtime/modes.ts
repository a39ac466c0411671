import type { Env, Replica } from '../core/env';
import { asNodeId, type NodeId } from '../core/ids';
import { singleCopy } from '../modes/single-copy/single-copy';
import type { Topology } from '../topology';

/**
 * The modes' registry: from a topology's `replication` to the factory that makes each
 * node's replica. Both runtimes build replicas only through here, so a mode runs the same
 * live and simulated.
 */
export type ReplicaMaker = (env: Env, node: NodeId) => Replica;

export function replicaMaker(topology: Topology): ReplicaMaker {
  const r = topology.replication;
  switch (r.mode) {
    case 'single-copy': {
      const config = { primary: asNodeId(r.primary) };
      return (env) => singleCopy(env, config);
    }
    default:
      throw new ModeUnavailableError(r.mode);
  }
}

/** A mode the topology names that this build cannot run yet. */
export class ModeUnavailableError extends Error {
  constructor(readonly mode: string) {
    super(`replication mode ${mode} is not available yet (available: single-copy)`);
  }
}
