export {
  checkSessions,
  type BeyondSessions,
  type SessionOptions,
  type SessionResult,
  type SessionViolation,
} from './check';
export { classifyPath, SESSION_GUARANTEES, type SessionGuarantee } from './classify';
export { formatSessions } from './format';
