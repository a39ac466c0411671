import type { ClientResult } from '../../core/messages/client';
import type { Rng } from '../../core/random';
import type { Topology, Workload } from '../../topology';
import { OpGenerator } from '../../workload/generator';
import type { SimClient, Simulation } from './simulation';

export interface SimWorkloadOptions {
  /** When the clients start and stop issuing ops (virtual ms). */
  readonly startMs?: number;
  readonly durationMs?: number;
  /** Overrides the topology's workload (rate, concurrency, mix, …). */
  readonly workload?: Partial<Workload>;
}

/**
 * Drive a simulation with the topology's workload from every region's clients, as Jepsen's
 * generator would: closed loop (each of `concurrency` processes per client issues its next
 * op when the last completes) or open loop (Poisson arrivals at `rate` ops/s per client,
 * each taken by an idle process, or a new one when all are busy, so a slow system does not
 * slow the offered load down).
 */
export function driveWorkload(
  sim: Simulation,
  topology: Topology,
  rng: Rng,
  options: SimWorkloadOptions = {},
): void {
  const workload: Workload = { ...topology.workload, ...options.workload };
  const generator = new OpGenerator(workload);
  const start = options.startMs ?? sim.now;
  const end = start + (options.durationMs ?? workload.durationMs);
  let clientNumber = 0;
  for (const region of topology.regions) {
    for (let c = 0; c < region.clients; c++) {
      const streamRng = rng.fork(`client:${region.name}:${clientNumber++}`);
      if (workload.rate !== undefined) {
        openLoop(sim, region.name, generator, streamRng, workload, start, end);
      } else {
        for (let p = 0; p < workload.concurrency; p++) {
          closedLoop(sim, sim.client(region.name), generator, streamRng, workload, start, end);
        }
      }
    }
  }
}

function closedLoop(
  sim: Simulation,
  client: SimClient,
  generator: OpGenerator,
  rng: Rng,
  workload: Workload,
  start: number,
  end: number,
): void {
  const issue = (): void => {
    if (sim.now >= end) return;
    const op = generator.next(rng);
    client.invoke(op, { level: workload.levels?.[op.f] }, next);
  };
  const next = (_: ClientResult): void => issue();
  sim.at(start, issue);
}

function openLoop(
  sim: Simulation,
  region: string,
  generator: OpGenerator,
  rng: Rng,
  workload: Workload,
  start: number,
  end: number,
): void {
  const idle: SimClient[] = [];
  const meanGapMs = 1000 / (workload.rate ?? 1);
  const arrive = (): void => {
    if (sim.now >= end) return;
    const client = idle.pop() ?? sim.client(region);
    const op = generator.next(rng);
    client.invoke(op, { level: workload.levels?.[op.f] }, () => idle.push(client));
    sim.at(sim.now - meanGapMs * Math.log(1 - rng.next()), arrive);
  };
  sim.at(start - meanGapMs * Math.log(1 - rng.next()), arrive);
}
