import type { RawReplica, RawTopology } from './raw';
import type { Reporter } from './reporter';
import type { Node, Region } from './types';
import { closest } from './suggest';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_BASE_PORT = 7100;
export const DEFAULT_CLIENTS_PER_REGION = 1;

/** Regions and their nodes, named, placed on host:port, with duplicates reported. */
export function resolveNodes(
  raw: RawTopology,
  report: Reporter,
): { regions: Region[]; nodes: Node[]; nodePaths: Map<string, (string | number)[]> } {
  const regions: Region[] = [];
  const nodes: Node[] = [];
  const regionAt = new Map<string, number>();
  const nodeAt = new Map<string, (string | number)[]>();
  const host = raw.network?.host ?? DEFAULT_HOST;
  const basePort = raw.network?.basePort ?? DEFAULT_BASE_PORT;
  const clientsPerRegion = raw.clients?.perRegion ?? DEFAULT_CLIENTS_PER_REGION;

  raw.regions.forEach((region, r) => {
    const first = regionAt.get(region.name);
    if (first !== undefined) {
      report.error(
        ['regions', r, 'name'],
        `duplicate region "${region.name}" (first defined at line ${report.lineOf(['regions', first, 'name'])}; region names must be unique)`,
      );
      return;
    }
    regionAt.set(region.name, r);
    const written: RawReplica[] =
      typeof region.replicas === 'number'
        ? Array.from({ length: region.replicas }, (_, i) => ({ id: `${region.name}-n${i + 1}` }))
        : region.replicas.map((rep) => (typeof rep === 'string' ? { id: rep } : rep));
    const ids: string[] = [];
    written.forEach((rep, i) => {
      const path =
        typeof region.replicas === 'number'
          ? ['regions', r, 'replicas']
          : ['regions', r, 'replicas', i];
      const firstPath = nodeAt.get(rep.id);
      if (firstPath !== undefined) {
        report.error(
          path,
          `duplicate node id "${rep.id}" (first defined at line ${report.lineOf(firstPath)}; node ids must be unique across regions)`,
        );
        return;
      }
      nodeAt.set(rep.id, path);
      ids.push(rep.id);
      // Unnumbered replicas take consecutive ports in file order, so a file change is visible.
      const port = rep.port ?? (basePort === 0 ? 0 : basePort + nodes.length);
      nodes.push({ id: rep.id, region: region.name, host: rep.host ?? region.host ?? host, port });
    });
    regions.push({ name: region.name, nodes: ids, clients: region.clients ?? clientsPerRegion });
  });

  // Fault scenarios name regions and nodes in the same lists, so one id must mean one thing.
  for (const [id, path] of nodeAt) {
    if (regionAt.has(id)) {
      report.error(
        path,
        `node id "${id}" is also a region name (node ids and region names must differ)`,
      );
    }
  }
  if (nodes.length === 0 && regions.length > 0) {
    report.error(
      ['regions'],
      'the topology has no replicas (give at least one region replicas: 1 or more)',
    );
  }
  return { regions, nodes, nodePaths: nodeAt };
}

/** Check that a name refers to a region; report it with a suggestion if not. */
export function checkRegion(
  report: Reporter,
  path: (string | number)[],
  name: string,
  regions: readonly Region[],
): boolean {
  const names = regions.map((r) => r.name);
  if (names.includes(name)) return true;
  const guess = closest(name, names);
  report.error(
    path,
    `unknown region "${name}" (${guess ? `did you mean "${guess}"?` : `regions are: ${names.join(', ')}`})`,
  );
  return false;
}

/** Check that a name refers to a node; report it with a suggestion if not. */
export function checkNode(
  report: Reporter,
  path: (string | number)[],
  id: string,
  nodes: readonly Node[],
): boolean {
  const ids = nodes.map((n) => n.id);
  if (ids.includes(id)) return true;
  const guess = closest(id, ids);
  const listed = ids.length > 8 ? `${ids.slice(0, 8).join(', ')}, …` : ids.join(', ');
  report.error(
    path,
    `unknown node "${id}" (${guess ? `did you mean "${guess}"?` : `nodes are: ${listed}`})`,
  );
  return false;
}
