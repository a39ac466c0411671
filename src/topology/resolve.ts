import type { RawTopology } from './raw';
import { durationAt, type Reporter } from './reporter';
import { resolveLatency } from './resolve-latency';
import { resolveNodes } from './resolve-nodes';
import { resolveEndpoints } from './resolve-ports';
import { resolveReplication } from './resolve-replication';
import { resolveWorkload, WORKLOAD_DEFAULTS } from './resolve-workload';
import type { Topology } from './types';

/**
 * The semantic pass over a topology that passed the schema: names resolved, defaults
 * applied, cross-references and arithmetic checked. Returns undefined if it reported any
 * mistake, so that a half-resolved topology never escapes.
 */
export function resolveTopology(
  raw: RawTopology,
  file: string,
  report: Reporter,
  options: { readonly adaptMix?: boolean } = {},
): Topology | undefined {
  let mistakes = 0;
  const counting: Reporter = {
    error: (...args) => {
      mistakes++;
      report.error(...args);
    },
    lineOf: (path) => report.lineOf(path),
  };
  const { regions, nodes, nodePaths } = resolveNodes(raw, counting);
  const latency = resolveLatency(raw.latency, regions, counting);
  const replication = resolveReplication(raw.replication, regions, nodes, counting);
  const workload = resolveWorkload(raw.workload, replication, counting, options);
  const endpoints = resolveEndpoints(raw, nodes, nodePaths, counting);
  const clientTimeoutMs =
    durationAt(counting, ['clients', 'timeout'], raw.clients?.timeout, { zero: false }) ??
    WORKLOAD_DEFAULTS.clientTimeoutMs;
  if (mistakes > 0 || replication === undefined) return undefined;
  return {
    file,
    name: raw.name ?? file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, ''),
    description: raw.description,
    regions,
    nodes,
    latency,
    replication,
    clientTimeoutMs,
    workload,
    ...endpoints,
  };
}
