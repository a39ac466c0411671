/** A real RunResults for report tests: 12 s of the three-region Raft example, us-east-1 cut off from 4 s to 8 s. */
import { join } from 'node:path';
import { buildResults, type RunResults } from '../../src/experiment/results';
import { runSimExperiment } from '../../src/experiment/sim-experiment';
import { parseScenario } from '../../src/faults/load-scenario';
import { loadTopologyFile } from '../../src/topology';

const SCENARIO = `
name: short-partition
steps:
  - name: cut
    at: 4s
    partition:
      isolate: us-east-1
      mode: blackhole
  - at: 8s
    heal: cut
`;

export function shortRun(): RunResults {
  const loaded = loadTopologyFile(join(__dirname, '..', '..', 'topologies', 'three-regions.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const scenario = parseScenario(SCENARIO, 'short-partition.yaml', loaded.topology);
  if (!scenario.ok) throw new Error(JSON.stringify(scenario.issues));
  return buildResults(
    runSimExperiment(loaded.topology, { seed: 1, durationMs: 12_000, scenario: scenario.scenario }),
  );
}
