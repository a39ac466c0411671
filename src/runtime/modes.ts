import type { Env, Replica } from '../core/env';
import { asNodeId, type NodeId } from '../core/ids';
import { fromTopology as asyncConfig } from '../modes/single-leader/async/config';
import { leaderless } from '../modes/leaderless/leaderless';
import { primaryBackup } from '../modes/single-leader/async/primary-backup';
import { multiLeaderConfigOf } from '../modes/multi-leader/config';
import { multiLeader } from '../modes/multi-leader/multi-leader';
import { singleCopy } from '../modes/single-copy/single-copy';
import { raftConfigOf } from '../modes/single-leader/raft/config';
import { raft } from '../modes/single-leader/raft/raft';
import type { Topology } from '../topology';
import { leaderlessConfigOf } from './leaderless-config';

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
    case 'single-leader': {
      if (r.protocol === 'raft') {
        const config = raftConfigOf(topology);
        return (env) => raft(env, config);
      }
      const config = asyncConfig(topology);
      return (env) => primaryBackup(env, config);
    }
    case 'leaderless': {
      const config = leaderlessConfigOf(topology);
      return (env) => leaderless(env, config);
    }
    case 'multi-leader': {
      const config = multiLeaderConfigOf(topology);
      return (env) => multiLeader(env, config);
    }
    default:
      // Unreachable once every mode has a case; kept for modes the topology adds first.
      throw new ModeUnavailableError((r as { readonly mode: string }).mode);
  }
}

/** A mode the topology names that this build cannot run yet. */
export class ModeUnavailableError extends Error {
  constructor(readonly mode: string) {
    super(
      `replication mode ${mode} is not available yet (available: single-copy, raft, async, semi-sync, leaderless)`,
    );
  }
}
