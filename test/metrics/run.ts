/**
 * A GeolabMetrics fed a real simulated run: the three-region Raft example with one region cut
 * off (toxics/partition-one-region.yaml), every replica event as it happened and every client
 * event of the history, the way a live run feeds it.
 */
import { join } from 'node:path';
import { runSimExperiment } from '../../src/experiment/sim-experiment';
import type { ExperimentData } from '../../src/experiment/data';
import { loadScenarioFile } from '../../src/faults/load-scenario';
import { GeolabMetrics } from '../../src/metrics/registry';
import { loadTopologyFile } from '../../src/topology';

export const ROOT = join(__dirname, '..', '..');

export interface FedRun {
  readonly data: ExperimentData;
  readonly metrics: GeolabMetrics;
  readonly text: string;
}

export async function fedRun(mode?: string, durationMs = 20_000): Promise<FedRun> {
  const loaded = loadTopologyFile(
    join(ROOT, 'topologies', 'three-regions.yaml'),
    mode === undefined ? {} : { mode },
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const topology = loaded.topology;
  const scenario = loadScenarioFile(join(ROOT, 'toxics', 'partition-one-region.yaml'), topology);
  if (!scenario.ok) throw new Error(JSON.stringify(scenario.issues));
  let clock = 0;
  const metrics = new GeolabMetrics({ topology, now: () => clock });
  const regionOf = new Map(topology.nodes.map((n) => [n.id, n.region]));
  const data = runSimExperiment(topology, {
    seed: 1,
    durationMs,
    scenario: scenario.scenario,
    onEvent: (node, at, event) => {
      clock = at;
      metrics.observeEvent(node, regionOf.get(node) ?? 'unknown', event);
    },
  });
  for (const event of data.history) {
    clock = event.time;
    metrics.observeHistoryEvent(event);
  }
  return { data, metrics, text: await metrics.text() };
}
