export {
  checkLinearizability,
  DEFAULT_TIME_LIMIT_MS,
  type CheckOptions,
  type LinearizabilityResult,
  type PartitionResult,
  type Verdict,
} from './check';
export {
  checkHistoryText,
  defaultModel,
  modelNamed,
  type TextCheckOptions,
  type TextCheckResult,
} from './check-text';
export { byKey, OperationError, type Model, type ModelOp, type SomeModel } from './model';
export * from './models';
export { collectOperations, type Operation, type Partition } from './operations';
export { searchLinearization, type Budget, type DeadEnd, type SearchResult } from './search';
export { buildWitness, formatWitness, type Witness, type WitnessOp } from './witness';
