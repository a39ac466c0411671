export {
  checkCausal,
  DEFAULT_MAX_WITNESSES,
  type CausalOptions,
  type CausalResult,
  type CausalViolation,
  type ModelVerdict,
} from './check';
export { analyseCausal, type CausalAnalysis } from './analyse';
export { CausalRelations, before } from './analysis';
export { formatCausal } from './format';
export { topologicalSort, VectorClocks, type Edge, type EdgeKind } from './graph';
export {
  collectCausalOps,
  describeCausalOp,
  registerSemantics,
  type CausalHistory,
  type CausalOp,
  type RegisterSemantics,
  type Session,
} from './ops';
export { shortestCausalPath } from './path';
export { FORBIDS, type BadPattern, type CausalModel, type PatternInstance } from './patterns';
export { formatOpRef, formatSteps, Refs, sessionName, type OpRef, type Step } from './witness';
export { completedOps, isRead, opRef, writtenValue, type CompletedOp } from './completed';
