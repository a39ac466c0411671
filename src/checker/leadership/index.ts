/**
 * Leadership: were there two primaries at once (split brain), did both take writes, and did
 * a stale primary's writes land on replicas that had accepted a newer epoch (what fencing
 * tokens prevent)? Pure functions over the replicas' timed events (and optionally the
 * client history, for example ops); see events.ts for the events they read.
 */
export {
  checkLeadership,
  type LeadershipOptions,
  type LeadershipResult,
  type LeadershipVerdict,
} from './check';
export { inTimeOrder, type NodeStop, type TimedEvent } from './events';
export { formatLeadership, formatTerms } from './format';
export { staleWritesLanded, type StaleWritesLanded } from './landed';
export {
  concurrentPrimaries,
  primaryTerms,
  type ConcurrentPrimaries,
  type PrimaryTerm,
} from './primaries';
export {
  splitBrainWrites,
  type ExampleOptions,
  type PrimaryWrites,
  type SplitBrainWrites,
} from './split-brain';
