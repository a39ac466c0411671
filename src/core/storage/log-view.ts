import type { Json } from '../json';

/**
 * Reading a log held in memory as `log[i]` = the entry at index `first + i`: the part of the
 * DurableStorage contract every implementation shares (the simulator's MemoryStorage and the
 * live FileStorage both keep their log this way).
 */
export interface LogView {
  readonly first: number;
  readonly log: readonly Json[];
}

export function lastIndexOf(view: LogView): number {
  return view.first + view.log.length - 1;
}

/** The entry at `index`, or undefined outside [first, last]. */
export function entryOf(view: LogView, index: number): Json | undefined {
  if (!Number.isInteger(index) || index < view.first || index > lastIndexOf(view)) return undefined;
  return view.log[index - view.first];
}

/** Entries with from ≤ index < to; both bounds must lie in [first, last + 1]. */
export function entriesOf(view: LogView, from: number, to: number): readonly Json[] {
  checkLogBound(view, 'from', from);
  checkLogBound(view, 'to', to);
  if (to < from) throw new RangeError(`entries(${from}, ${to}): to < from`);
  return view.log.slice(from - view.first, to - view.first);
}

/** Throws RangeError unless `index` lies in [first, last + 1] (misuse is a mode's bug). */
export function checkLogBound(view: LogView, name: string, index: number): void {
  const last = lastIndexOf(view);
  if (!Number.isInteger(index) || index < view.first || index > last + 1) {
    throw new RangeError(
      `${name} = ${index} outside [${view.first}, ${last + 1}] (firstIndex, lastIndex + 1)`,
    );
  }
}
