import type { Topology } from '../../topology';
import type { Cluster } from './cluster';
import type { LeadershipWatch } from './leadership-watch';
import { LiveFaultTarget } from './live-target';
import { settledLeader } from './raft-failover';

/**
 * Resolves once a started cluster serves its clients as the topology means it to: Raft once
 * leadership has moved to `leaderRegion`, primary-backup once every running replica follows
 * one primary, anything else at once.
 */
export async function waitUntilServing(
  cluster: Cluster,
  watch: LeadershipWatch,
  topology: Topology,
  timeoutMs = 20_000,
): Promise<void> {
  const r = topology.replication;
  if (r.mode === 'single-leader' && r.protocol === 'raft') {
    await settledLeader(cluster, watch, topology, timeoutMs);
  } else if (r.mode === 'single-leader') {
    const ids = topology.nodes.map((n) => n.id);
    await watch.waitFor(
      () => {
        const running = ids.filter((id) => cluster.isRunning(id));
        const agreed = watch.agreedLeader(running);
        return agreed !== undefined && watch.view(agreed)?.role === 'primary' ? agreed : undefined;
      },
      timeoutMs,
      'one primary followed by every running replica',
      20,
    );
  }
}

/**
 * A fault target for a running cluster, told who leads now, as the replicas' events would
 * have told it had it been there from the start ("crash the leader" needs to know).
 */
export function faultTargetFor(
  cluster: Cluster,
  topology: Topology,
  watch: LeadershipWatch,
  warn: (message: string) => void,
): LiveFaultTarget {
  const target = new LiveFaultTarget(cluster, topology, {
    warn,
    clock: () => performance.now(),
  });
  for (const n of topology.nodes) {
    const view = watch.view(n.id);
    if (view?.role !== undefined)
      target.observe(n.id, { kind: 'role', role: view.role, term: view.term });
  }
  return target;
}
