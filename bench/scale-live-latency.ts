import { nearestMajorityRttMs, regionOf } from '../src/runtime/live/raft-failover';
import { rttMs, type Topology } from '../src/topology';
import type { HistoryOp } from '../src/workload/history';

/** One region's client latency, measured and as the topology predicts it. */
export interface LatencyRow {
  readonly region: string;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly predicted: number;
}

/**
 * The replica each region's clients talk to, as runLiveWorkload assigns them: clients are
 * numbered across regions in file order, and client n of a region uses its replica n mod size.
 */
export function clientNodes(topology: Topology): Map<string, string> {
  const nodes = new Map<string, string>();
  let next = 0;
  for (const region of topology.regions) {
    const local = region.nodes.length > 0 ? region.nodes : [topology.nodes[0].id];
    for (let c = 0; c < region.clients; c++) {
      const node = local[next++ % local.length];
      if (c === 0) nodes.set(region.name, node);
    }
  }
  return nodes;
}

/**
 * What a client op from `region` through replica `node` should take, from the topology's RTTs
 * alone (DESIGN §6): the client's round trip to its local replica, then
 * - Raft (writes, and ReadIndex reads): the forward to the leader (0 at the leader itself) and
 *   the leader's round trip to its nearest majority (docs/modes/raft-live.md);
 * - leaderless: the coordinator's round trip to the nearest replicas that make its quorum,
 *   which for QUORUM over every replica is the same nearest-majority round trip.
 */
export function predictedMs(
  topology: Topology,
  region: string,
  node: string,
  leader: string | undefined,
): number {
  const local = rttMs(topology.latency, region, region);
  if (leader === undefined) return local + nearestMajorityRttMs(topology, node);
  const forward = node === leader ? 0 : rttMs(topology.latency, region, regionOf(topology, leader));
  return local + forward + nearestMajorityRttMs(topology, leader);
}

/** p50 and p99 of every ok op invoked before `untilMs` (not the final reads), per region. */
export function latencyRows(
  topology: Topology,
  history: readonly HistoryOp[],
  untilMs: number,
  leader: string | undefined,
): LatencyRow[] {
  const invoked = new Map<string | number, HistoryOp>();
  const byRegion = new Map<string, number[]>();
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      invoked.set(op.process, op);
      continue;
    }
    const start = invoked.get(op.process);
    invoked.delete(op.process);
    if (op.type !== 'ok' || start === undefined || start.time >= untilMs) continue;
    const region = String(op.region);
    const xs = byRegion.get(region) ?? [];
    xs.push(op.time - start.time);
    byRegion.set(region, xs);
  }
  const nodes = clientNodes(topology);
  return topology.regions.map((r) => {
    const xs = (byRegion.get(r.name) ?? []).sort((a, b) => a - b);
    const at = (q: number) =>
      xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
    const node = nodes.get(r.name) ?? r.nodes[0];
    return {
      region: r.name,
      count: xs.length,
      p50: at(0.5),
      p99: at(0.99),
      predicted: predictedMs(topology, r.name, node, leader),
    };
  });
}
