import { isClient, type HistoryOp } from '../../workload/history';

/**
 * Fault markers, as Jepsen's nemesis records them: events of a process that is not a client,
 * by convention `{"process": "nemesis", "type": "info", "f": "start-partition", …}` when a
 * fault begins and `"f": "heal"` when all faults end. Functions that end faults: */
export const HEAL_FUNCTIONS: readonly string[] = [
  'heal',
  'stop',
  'stop-partition',
  'recover',
  'resume',
];

export interface LastFault {
  readonly time: number;
  readonly f: string;
  readonly line: number;
  /** Whether that last marker ends the faults (one of HEAL_FUNCTIONS). */
  readonly healed: boolean;
}

/** The last nemesis event of a history, or null when it has none. */
export function lastFault(
  history: readonly HistoryOp[],
  lines: readonly number[] | undefined,
): LastFault | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const op = history[i];
    if (isClient(op)) continue;
    return {
      time: op.time,
      f: op.f,
      line: lines?.[i] ?? i + 1,
      healed: HEAL_FUNCTIONS.includes(op.f),
    };
  }
  return null;
}
