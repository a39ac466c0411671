/**
 * Dynamo's sloppy quorum (DeCandia et al. 2007, §4.6): a request goes to "the first N healthy
 * nodes" of the key's preference list, so when a replica is unreachable the next healthy node
 * on the ring takes its copy (with a hint naming the replica it stands in for) and its answer
 * counts toward R or W as that replica's would. Writes stay available through partitions that
 * leave any N nodes reachable; the price is that a quorum no longer has to intersect the
 * previous one, so a read can miss an acknowledged write until the stand-ins hand their hints
 * off. Off by default, and in Cassandra-style topologies, where a hint counts only for ANY.
 *
 * With replicas per region, a stand-in is taken from the replaced replica's region when that
 * region has a healthy node to spare, else from anywhere, each in ring order.
 */
import type { NodeId } from '../../core/ids';
import type { KeyPlacement } from './placement';

/** Stand-in → the unreachable replica it takes the place of. */
export function chooseStandIns(
  placement: KeyPlacement,
  isAlive: (node: NodeId) => boolean,
  regionOf: (node: NodeId) => string,
): Map<NodeId, NodeId> {
  const standIns = new Map<NodeId, NodeId>();
  const spare = placement.preference.filter((n) => !placement.replicas.includes(n) && isAlive(n));
  for (const replica of placement.replicas) {
    if (isAlive(replica)) continue;
    const free = spare.filter((n) => !standIns.has(n));
    const pick = free.find((n) => regionOf(n) === regionOf(replica)) ?? free[0];
    if (pick !== undefined) standIns.set(pick, replica);
  }
  return standIns;
}
