/**
 * Which replicas are closest, as Cassandra's snitch ranks them for reads: this node first,
 * then by the round trip between regions (the topology's, given in the config), then by node
 * id so that every run ranks ties the same way. (Cassandra's dynamic snitch also weighs
 * measured latency; geolab's links have the latency the topology says, so the static rank is
 * the measured one, and it keeps scripted schedules predictable.)
 */
import type { NodeId } from '../../core/ids';
import { regionRtt, type LeaderlessConfig } from './config';

export function byCloseness(
  nodes: readonly NodeId[],
  self: NodeId,
  config: LeaderlessConfig,
  regionOf: (node: NodeId) => string,
): NodeId[] {
  const here = regionOf(self);
  const rank = (n: NodeId): number => (n === self ? -1 : regionRtt(config, here, regionOf(n)));
  return [...nodes].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
