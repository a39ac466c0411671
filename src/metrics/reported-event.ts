/**
 * A replica event as a live replica process reported it (a JSON value from its stdout, through
 * `Cluster`'s `onEvent`), checked field by field before metrics use it: the kinds metrics count,
 * with the types core/events gives them; anything else is undefined.
 */
import { ROLES, type ReplicaEvent, type Role } from '../core/events';
import type { NodeId } from '../core/ids';

/** Longest string accepted in a name, label or resolver (a metric label must stay small). */
const MAX_TEXT = 200;
/** Most labels a metric event may carry. */
const MAX_LABELS = 8;

export function asReportedEvent(value: unknown): ReplicaEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const term = isCount(v.term) ? { term: v.term } : {};
  switch (v.kind) {
    case 'role':
      return typeof v.role === 'string' && ROLES.has(v.role)
        ? { kind: 'role', role: v.role as Role, ...term }
        : undefined;
    case 'leader':
      return v.leader === null || isText(v.leader)
        ? { kind: 'leader', leader: v.leader as NodeId | null, ...term }
        : undefined;
    case 'commit':
      if (!isCount(v.count) || (v.index !== undefined && !isCount(v.index))) return undefined;
      return v.index === undefined
        ? { kind: 'commit', count: v.count }
        : { kind: 'commit', index: v.index, count: v.count };
    case 'conflict':
      return isText(v.resolver) && isCount(v.siblings) && isText(v.key)
        ? { kind: 'conflict', key: v.key, resolver: v.resolver, siblings: v.siblings }
        : undefined;
    case 'metric': {
      const labels = asLabels(v.labels);
      const type = v.type === 'counter' || v.type === 'gauge' ? v.type : undefined;
      if (!isText(v.name) || !type || !Number.isFinite(v.value) || labels === null)
        return undefined;
      const base = { kind: 'metric', name: v.name, type, value: v.value as number } as const;
      return labels === undefined ? base : { ...base, labels };
    }
    default:
      return undefined;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isText(x: unknown): x is string {
  return typeof x === 'string' && x.length <= MAX_TEXT;
}

/** undefined: no labels; null: labels that are not a small string-to-string record. */
function asLabels(x: unknown): Readonly<Record<string, string>> | undefined | null {
  if (x === undefined) return undefined;
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const entries = Object.entries(x);
  if (entries.length > MAX_LABELS) return null;
  return entries.every(([k, val]) => isText(k) && isText(val)) ? Object.fromEntries(entries) : null;
}
