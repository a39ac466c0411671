import type { NodeStop, TimedEvent } from './events';
import { staleWritesLanded, type StaleWritesLanded } from './landed';
import {
  concurrentPrimaries,
  primaryTerms,
  type ConcurrentPrimaries,
  type PrimaryTerm,
} from './primaries';
import { splitBrainWrites, type ExampleOptions, type SplitBrainWrites } from './split-brain';

export interface LeadershipOptions extends ExampleOptions {
  /** When nodes crashed: a crashed primary's term ends there (it emits nothing). */
  readonly stops?: readonly NodeStop[];
}

/**
 * From best to worst:
 * - `ok`: never two primaries at once;
 * - `concurrent-primaries`: two nodes led at once, but not both took writes meanwhile;
 * - `split-brain-writes`: both took writes while both led: one side's are lost, or both
 *   survive in an order no client saw;
 * - `stale-writes-landed`: besides, a replica that had accepted a newer epoch applied writes
 *   of an older one (what fencing tokens prevent).
 */
export type LeadershipVerdict =
  'ok' | 'concurrent-primaries' | 'split-brain-writes' | 'stale-writes-landed';

export interface LeadershipResult {
  readonly verdict: LeadershipVerdict;
  readonly terms: readonly PrimaryTerm[];
  readonly concurrent: readonly ConcurrentPrimaries[];
  readonly splitBrain: readonly SplitBrainWrites[];
  readonly landed: readonly StaleWritesLanded[];
}

/**
 * Were there ever two primaries, did both take writes, and did a stale primary's writes land
 * where a newer epoch was already accepted? A pure function of the replicas' events (and the
 * client history, for example ops). See events.ts for the events it reads.
 */
export function checkLeadership(
  events: readonly TimedEvent[],
  options: LeadershipOptions = {},
): LeadershipResult {
  const terms = primaryTerms(events, options.stops);
  const concurrent = concurrentPrimaries(terms);
  const splitBrain = splitBrainWrites(concurrent, events, options);
  const landed = staleWritesLanded(events);
  const verdict: LeadershipVerdict =
    landed.length > 0
      ? 'stale-writes-landed'
      : splitBrain.length > 0
        ? 'split-brain-writes'
        : concurrent.length > 0
          ? 'concurrent-primaries'
          : 'ok';
  return { verdict, terms, concurrent, splitBrain, landed };
}
