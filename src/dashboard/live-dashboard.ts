import { Cluster, type ClusterOptions } from '../runtime/live/cluster';
import { LeadershipWatch } from '../runtime/live/leadership-watch';
import { LiveFaultTarget } from '../runtime/live/live-target';
import { settledLeader } from '../runtime/live/raft-failover';
import type { Topology } from '../topology';
import type { HistoryOp } from '../workload/history';
import { LiveSession } from './live-session';
import { startDashboardServer, type DashboardServer, type DashboardServerOptions } from './server';

export interface LiveDashboardOptions extends Omit<ClusterOptions, 'onEvent'> {
  readonly server: Omit<DashboardServerOptions, 'session'>;
  readonly seed?: number | string;
  readonly demo?: boolean;
  /** Every replica event, besides the dashboard (metrics). */
  readonly onEvent?: (node: string, event: unknown) => void;
  /** Every history record of the dashboard's workload, besides the dashboard (metrics). */
  readonly onRecord?: (op: HistoryOp) => void;
}

export interface LiveDashboard {
  readonly cluster: Cluster;
  readonly session: LiveSession;
  readonly server: DashboardServer;
  /**
   * Stop the page's server, the clients, and the cluster (every replica process). The
   * clients' last window winds down on its own (`session.drained()`).
   */
  stop(): Promise<void>;
}

/**
 * A live cluster with the dashboard on it, as `geolab up --dashboard` and `geolab demo` run
 * it: the cluster, a settled leader (single-leader modes), the fault target told who leads,
 * the topology's workload running continuously, and the page's server. On failure every
 * part started so far is stopped before the error is passed on.
 */
export async function startLiveDashboard(options: LiveDashboardOptions): Promise<LiveDashboard> {
  const topology: Topology = options.topology;
  const ids = topology.nodes.map((n) => n.id);
  const watch = new LeadershipWatch(ids);
  let session: LiveSession | undefined;
  let target: LiveFaultTarget | undefined;
  const cluster = new Cluster({
    ...options,
    onEvent: (node, event) => {
      watch.record(node, event);
      target?.observe(node, event);
      session?.observe(node, event);
      options.onEvent?.(node, event);
    },
  });
  let server: DashboardServer | undefined;
  try {
    await cluster.start();
    if (topology.replication.mode === 'single-leader') {
      await settledLeader(cluster, watch, topology, 20_000);
    }
    const origin = performance.now();
    target = new LiveFaultTarget(cluster, topology, {
      warn: (m) => session?.say('info', `could not apply: ${m}`),
      clock: () => performance.now(),
    });
    const live = new LiveSession({
      topology,
      cluster,
      target,
      origin,
      workload: true,
      seed: options.seed,
      demo: options.demo,
      onRecord: options.onRecord,
    });
    session = live;
    // The target and the session join a running cluster: tell them who leads, as the
    // replicas' events would have.
    for (const id of ids) {
      const view = watch.view(id);
      if (view?.role !== undefined)
        target.observe(id, { kind: 'role', role: view.role, term: view.term });
    }
    live.primeFrom(watch);
    const leader = watch.agreedLeader();
    live.say(
      'info',
      `${topology.name} is up: ${ids.length} replicas in ${topology.regions.length} regions${leader === undefined ? '' : `, ${leader} leads`}`,
    );
    server = await startDashboardServer({ ...options.server, session: live });
    const started = server;
    const t = target;
    return {
      cluster,
      session: live,
      server: started,
      stop: async () => {
        await started.close();
        await live.close();
        await t.settled().catch(() => undefined);
        await cluster.stop();
      },
    };
  } catch (err) {
    await server?.close();
    await session?.close();
    await cluster.stop();
    throw err;
  }
}
