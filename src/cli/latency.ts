import { Command } from 'commander';
import { formatDuration, linkKey, rttMs, type Topology } from '../topology';
import { loadTopologyOrExit } from './load-topology';

/** `geolab latency FILE`: the RTT matrix (or the one-way delays) as a table. */
export function latencyCommand(): Command {
  return new Command('latency')
    .description('print the round-trip time matrix of a topology')
    .argument('<file>', 'topology YAML file')
    .option('--one-way', 'print one-way delays (row → column) and jitter instead of RTTs')
    .action((file: string, options: { oneWay?: boolean }) => {
      const topology = loadTopologyOrExit(file);
      process.stdout.write(latencyTable(topology, options.oneWay ?? false));
    });
}

/** A plain-text table: regions down and across; the diagonal is the RTT inside a region. */
export function latencyTable(topology: Topology, oneWay: boolean): string {
  const names = topology.regions.map((r) => r.name);
  const cell = (a: string, b: string): string => {
    if (!oneWay) return formatDuration(rttMs(topology.latency, a, b));
    const link = topology.latency.links.get(linkKey(a, b));
    if (!link) return '?';
    return link.jitterMs > 0
      ? `${formatDuration(link.delayMs)}±${formatDuration(link.jitterMs)}`
      : formatDuration(link.delayMs);
  };
  const corner = oneWay ? 'one-way from \\ to' : 'RTT';
  const rows = [[corner, ...names], ...names.map((a) => [a, ...names.map((b) => cell(a, b))])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) =>
    row.map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]))).join('  '),
  );
  const source = topology.latency.preset ? ` (preset ${topology.latency.preset})` : '';
  return `${topology.name}${source}\n${lines.join('\n')}\n`;
}
