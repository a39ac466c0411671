import { formatDuration } from './duration';
import { rttMs, type Replication, type Topology } from './types';

/** The largest RTT between two regions (or inside one, if there is only one). */
export function largestRtt(topology: Topology): { a: string; b: string; rttMs: number } {
  let best = { a: '', b: '', rttMs: -1 };
  const names = topology.regions.map((r) => r.name);
  names.forEach((a, i) => {
    for (const b of names.slice(names.length > 1 ? i + 1 : i)) {
      const rtt = rttMs(topology.latency, a, b);
      if (rtt > best.rttMs) best = { a, b, rttMs: rtt };
    }
  });
  return best;
}

/** The mode as its short id would say it: raft, multi-leader:yjs, leaderless (QUORUM/QUORUM). */
export function describeReplication(r: Replication): string {
  switch (r.mode) {
    case 'single-copy':
      return `single-copy (primary ${r.primary})`;
    case 'single-leader':
      return `single-leader ${r.protocol}${r.leaderRegion ? ` (leader in ${r.leaderRegion})` : ''}`;
    case 'multi-leader':
      return `multi-leader ${r.resolver}${r.causal ? ', causal' : ''}`;
    case 'leaderless': {
      const side = (s: string | { r: number } | { w: number }) =>
        typeof s === 'string' ? s : 'r' in s ? `r=${s.r}` : `w=${s.w}`;
      return `leaderless n=${r.n} read ${side(r.read)} write ${side(r.write)}`;
    }
  }
}

/** One line for `geolab validate`: regions, replicas, mode, the largest RTT. */
export function summarize(topology: Topology): string {
  const far = largestRtt(topology);
  const pair = far.a === far.b ? `inside ${far.a}` : `${far.a} ↔ ${far.b}`;
  return [
    `${topology.regions.length} region${topology.regions.length === 1 ? '' : 's'}`,
    `${topology.nodes.length} replica${topology.nodes.length === 1 ? '' : 's'}`,
    describeReplication(topology.replication),
    `largest RTT ${formatDuration(far.rttMs)} (${pair})`,
  ].join(', ');
}
