import type { Topology } from '../../topology';
import type { Simulation } from './simulation';

/** The keys the run's clients touched so far, sorted. */
export function touchedKeys(sim: Simulation): string[] {
  const keys = new Set<string>();
  for (const op of sim.history)
    if (op.key !== undefined && op.process !== 'nemesis') keys.add(String(op.key));
  return [...keys].sort();
}

/**
 * Jepsen's final reads: every region reads every key the run touched, one after another,
 * after the faults, so each key's history ends with reads every region made once healed.
 * `regionDone` is called as each region finishes.
 */
export function finalReads(
  sim: Simulation,
  topology: Topology,
  regionDone: () => void = () => undefined,
): void {
  const keys = touchedKeys(sim);
  for (const region of topology.regions) {
    const client = sim.client(region.name);
    const list = [...keys];
    const next = (): void => {
      const key = list.shift();
      if (key === undefined) regionDone();
      else client.invoke({ f: 'read', key }, {}, next);
    };
    next();
  }
}
