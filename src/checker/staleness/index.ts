export {
  measureStaleness,
  type ReadStaleness,
  type StalenessOptions,
  type StalenessResult,
  type StalenessSummary,
  type TVisibility,
} from './staleness';
export {
  findLostWrites,
  type LostWrite,
  type LostWritesOptions,
  type LostWritesResult,
} from './lost-writes';
export {
  findLostIncrements,
  type CounterAccount,
  type LostIncrementsResult,
} from './lost-increments';
export {
  measureConvergence,
  type ConvergenceOptions,
  type ConvergenceResult,
  type KeyConvergence,
} from './convergence';
export { HEAL_FUNCTIONS, lastFault, type LastFault } from './faults';
export { completedOps, type CompletedOp } from '../causal';
export { distribution, type Distribution } from './summary';
export { formatStaleness, formatLostWrites, formatConvergence } from './format';
