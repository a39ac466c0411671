/**
 * An experiment in the simulator: the topology's workload from every region for `durationMs`,
 * a scenario's faults played through SimFaultTarget (the engine live runs use), then every
 * fault healed, a pause, and a final read of every key from every region so lost writes and
 * convergence can be judged. Virtual time; the same seed gives the same run.
 */
import type { ReplicaEvent } from '../core/events';
import { playScenario } from '../faults/play';
import type { Scenario } from '../faults/types';
import type { Topology } from '../topology';
import { modeIdOf } from '../topology';
import { replicaMaker } from '../runtime/modes';
import { RoleBook, SimFaultTarget } from '../runtime/sim/sim-target';
import { Simulation } from '../runtime/sim/simulation';
import { driveWorkload } from '../runtime/sim/workload';
import { keepEvent, MessageSampler, type ExperimentData, type StampedEvent } from './data';
import { finalReadsAt, quietAt, sampleWindow } from './plan';
import { finalReads, touchedKeys } from '../runtime/sim/final-reads';

export interface SimExperimentOptions {
  readonly seed: string | number;
  readonly durationMs: number;
  /** ops/s per client, overriding the topology's workload. */
  readonly rate?: number;
  readonly scenario?: Scenario;
  /** Sees every replica event as it happens, the ones the data keeps and the rest (metrics). */
  readonly onEvent?: (node: string, at: number, event: ReplicaEvent) => void;
  /** Sees the simulation once built, e.g. to read its event count after the run (benches). */
  readonly onSimulation?: (sim: Simulation) => void;
}

export function runSimExperiment(
  topology: Topology,
  options: SimExperimentOptions,
): ExperimentData {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const roles = new RoleBook();
  const events: StampedEvent[] = [];
  const sampler = new MessageSampler(
    ...sampleWindow(options.scenario, options.durationMs),
    options.durationMs,
  );
  const nodes = new Set(topology.nodes.map((n) => n.id));
  const sim = new Simulation({
    topology,
    seed: options.seed,
    replica: replicaMaker(topology),
    onEvent: (node, at, event) => {
      if (event.kind === 'role') roles.observe(node, event.role, event.term ?? 0);
      if (keepEvent(event)) events.push({ node, at, event });
      options.onEvent?.(node, at, event);
    },
    onMessage: (m) => sampler.add(m, nodes.has(m.from) && nodes.has(m.to)),
  });
  options.onSimulation?.(sim);
  const warnings: string[] = [];
  driveWorkload(sim, topology, sim.random('workload'), {
    durationMs: options.durationMs,
    workload: options.rate === undefined ? undefined : { rate: options.rate },
  });
  const faults =
    options.scenario === undefined
      ? []
      : playScenario(options.scenario, new SimFaultTarget(sim, topology, roles), sim, {
          rng: sim.random('nemesis'),
          warn: (m) => warnings.push(m),
        });
  const readsAt = finalReadsAt(topology, options.scenario, options.durationMs);
  // Once the load and the faults are over, every region polls every key until the final
  // reads: when all regions first agree is the convergence time.
  sim.at(quietAt(options.scenario, options.durationMs), () => {
    sim.heal();
    pollReads(sim, topology, readsAt);
  });
  let regionsReading = topology.regions.length;
  sim.at(readsAt, () => {
    sim.heal();
    finalReads(sim, topology, () => regionsReading--);
  });
  // Each region reads the keys one after another: run until all are done (bounded, in case a
  // mode never answers), then a client timeout more for anything still in flight.
  sim.runUntil(readsAt);
  const cap = readsAt + FINAL_READS_CAP_MS;
  while (regionsReading > 0 && sim.now < cap) sim.runFor(1000);
  sim.runFor(topology.clientTimeoutMs);
  return {
    topology,
    mode: modeIdOf(topology.replication),
    runtime: 'sim',
    seed: options.seed,
    startedAt,
    durationMs: options.durationMs,
    wallMs: performance.now() - started,
    scenario: options.scenario && { name: options.scenario.name, file: options.scenario.file },
    history: sim.history,
    faults,
    events,
    messages: { total: sampler.total, byType: sampler.byType },
    messageSample: { fromMs: sampler.fromMs, untilMs: sampler.untilMs, list: sampler.list },
    warnings,
  };
}

/** How often each region reads each key between the heal and the final reads (virtual ms). */
const POLL_MS = 200;

/** Every region reads every key the run touched, every POLL_MS, until `untilMs`. */
function pollReads(sim: Simulation, topology: Topology, untilMs: number): void {
  for (const region of topology.regions) {
    for (const key of touchedKeys(sim)) {
      const client = sim.client(region.name);
      const poll = (): void => {
        if (sim.now + POLL_MS >= untilMs) return;
        client.invoke({ f: 'read', key }, {}, () => sim.at(sim.now + POLL_MS, poll));
      };
      poll();
    }
  }
}

/** The longest the final reads may take (virtual ms): a mode that never answers stops here. */
const FINAL_READS_CAP_MS = 600_000;
