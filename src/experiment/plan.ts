/** When things happen in an experiment: shared by the simulated and the live runner. */
import type { Scenario } from '../faults/types';
import type { Topology } from '../topology';

/** Quiet time after the workload and the last fault, before the final reads (ms). */
export const SETTLE_MS = 3000;

/**
 * When the final reads start: after the workload, after the scenario's last step, and after
 * a settle pause (time for replication, anti-entropy and hinted handoff to catch up).
 */
/** When the load has stopped and the scenario's last timed fault has ended (ms). */
export function quietAt(scenario: Scenario | undefined, durationMs: number): number {
  const lastStep = Math.max(0, ...(scenario?.steps ?? []).map((s) => s.atMs + (s.forMs ?? 0)));
  return Math.max(durationMs, lastStep, scenario?.nemesis?.untilMs ?? 0);
}

export function finalReadsAt(
  topology: Topology,
  scenario: Scenario | undefined,
  durationMs: number,
): number {
  return Math.max(durationMs + topology.clientTimeoutMs, quietAt(scenario, durationMs)) + SETTLE_MS;
}

/**
 * The window of messages the space-time diagram shows: around the scenario's first fault, or
 * around a third of the run when there is none.
 */
export function sampleWindow(scenario: Scenario | undefined, durationMs: number): [number, number] {
  const first = scenario?.steps[0]?.atMs ?? scenario?.nemesis?.fromMs;
  const centre = first ?? Math.round(durationMs / 3);
  return [Math.max(0, centre - SAMPLE_MS / 2), SAMPLE_MS];
}

/**
 * The space-time diagram's window: short, because a diagram of more than a few hundred
 * arrows is unreadable (nine Raft replicas send about 1,300 messages a second).
 */
const SAMPLE_MS = 600;
