import type { Topology } from '../../topology';
import { replicaMaker } from '../modes';
import { Simulation } from './simulation';
import { driveWorkload } from './workload';

export interface SimRunOptions {
  readonly seed: number | string;
  /** How long clients issue ops (virtual ms); the run then drains for one client timeout. */
  readonly durationMs: number;
  /** Offered load: ops/s per client (open loop), overriding the topology's workload. */
  readonly rate?: number;
  /** How peer messages are checked (Simulation's `codec`; default `checked`). */
  readonly codec?: 'checked' | 'wire' | 'off';
}

export interface SimRunSummary {
  readonly seed: number | string;
  readonly virtualMs: number;
  readonly wallMs: number;
  readonly events: number;
  readonly traceEvents: number;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly historyHash: string;
  readonly traceHash: string;
}

/** Simulate a topology under its workload: the run behind `geolab sim`. */
export function simulate(
  topology: Topology,
  options: SimRunOptions,
): { sim: Simulation; summary: SimRunSummary } {
  const started = performance.now();
  const sim = new Simulation({
    topology,
    seed: options.seed,
    replica: replicaMaker(topology),
    codec: options.codec,
  });
  driveWorkload(sim, topology, sim.random('workload'), {
    durationMs: options.durationMs,
    workload: options.rate === undefined ? undefined : { rate: options.rate },
  });
  sim.runUntil(options.durationMs + topology.clientTimeoutMs);
  const ops = { ok: 0, fail: 0, info: 0 };
  for (const op of sim.history) if (op.type !== 'invoke') ops[op.type]++;
  return {
    sim,
    summary: {
      seed: options.seed,
      virtualMs: sim.now,
      wallMs: performance.now() - started,
      events: sim.eventsProcessed,
      traceEvents: sim.trace.events,
      ops,
      historyHash: sim.historyHash(),
      traceHash: sim.trace.digest(),
    },
  };
}
