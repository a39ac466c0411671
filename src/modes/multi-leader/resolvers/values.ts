/**
 * What a key holds in multi-leader mode, and what one update does to it, independent of how a
 * resolver stores it. Four kinds, one per update function: a register (`write`), a counter
 * (`increment`), a list (`append`) and a text (`text`).
 *
 * An update never fails because of the key's kind: an update of another kind replaces the
 * value, as a `write` would, keeping what carries over (a register holding a number becomes a
 * counter starting there, as RegisterStore's read-modify-write increment does; a register
 * holding a string becomes a text with that content). So the topologies' mixed workloads,
 * which draw keys and functions independently, never see a type error, and every replica
 * decides the same thing from the same state. Under concurrency such a replacement is an
 * overwrite like any write: a CRDT keeps one of the concurrent values of the key, and
 * increments made meanwhile to the replaced counter are lost with it.
 */
import type { Json } from '../../../core/json';
import type { Key, Op, TextEdit } from '../../../core/messages/client';

export type ValueKind = 'register' | 'counter' | 'list' | 'text';

export type Value =
  | { readonly kind: 'register'; readonly value: Json }
  | { readonly kind: 'counter'; readonly value: number }
  | { readonly kind: 'list'; readonly value: readonly Json[] }
  | { readonly kind: 'text'; readonly value: string };

/** The updates multi-leader replicates (cas needs consensus, which this mode does not have). */
export type UpdateOp = Extract<Op, { f: 'write' | 'increment' | 'append' | 'text' }>;

export function isUpdateOp(op: Op): op is UpdateOp {
  return op.f === 'write' || op.f === 'increment' || op.f === 'append' || op.f === 'text';
}

/** A value of `kind` holding `value`; undefined when `value` cannot be one (a peer's mistake). */
export function valueOfKind(kind: string, value: Json): Value | undefined {
  switch (kind) {
    case 'register':
      return { kind, value };
    case 'counter':
      return typeof value === 'number' && Number.isFinite(value) ? { kind, value } : undefined;
    case 'list':
      return Array.isArray(value) ? { kind, value } : undefined;
    case 'text':
      return typeof value === 'string' ? { kind, value } : undefined;
    default:
      return undefined;
  }
}

/** What a read returns: the plain JSON of the value, null when the key is absent. */
export function valueJson(v: Value | undefined): Json {
  return v === undefined ? null : v.value;
}

/** The value after `op` (read-modify-write: what LWW stores, and what a staged op shows). */
export function applyOp(current: Value | undefined, op: UpdateOp): Value {
  switch (op.f) {
    case 'write':
      return { kind: 'register', value: op.value };
    case 'increment':
      return { kind: 'counter', value: numberIn(current) + op.value };
    case 'append':
      return {
        kind: 'list',
        value: current?.kind === 'list' ? [...current.value, op.value] : [op.value],
      };
    case 'text':
      return { kind: 'text', value: editText(textIn(current), op.value) };
  }
}

/** What the client is told: a write's or append's argument, a counter's total, a text's edit. */
export function resultOf(op: UpdateOp, after: Value): Json {
  if (op.f === 'increment') return after.value;
  if (op.f === 'text')
    return { index: op.value.index, delete: op.value.delete, insert: op.value.insert };
  return op.value;
}

/** A counter's value, or the number a register holds (the start of a new counter), else 0. */
export function numberIn(v: Value | undefined): number {
  if (v === undefined) return 0;
  if (v.kind === 'counter') return v.value;
  return v.kind === 'register' && typeof v.value === 'number' ? v.value : 0;
}

/** A text's content, or the string a register holds (the start of a new text), else ''. */
export function textIn(v: Value | undefined): string {
  if (v === undefined) return '';
  if (v.kind === 'text') return v.value;
  return v.kind === 'register' && typeof v.value === 'string' ? v.value : '';
}

/** An edit's position and length clamped to `length`, as every resolver applies it. */
export function clampEdit(length: number, edit: TextEdit): { index: number; delete: number } {
  const index = Math.min(edit.index, length);
  return { index, delete: Math.min(edit.delete, length - index) };
}

export function editText(text: string, edit: TextEdit): string {
  const { index, delete: del } = clampEdit(text.length, edit);
  return text.slice(0, index) + edit.insert + text.slice(index + del);
}

/** Whether `op` on a key holding `current` keeps its object (true) or replaces it. */
export function extendsValue(current: Value | undefined, op: UpdateOp): boolean {
  switch (op.f) {
    case 'write':
      return false;
    case 'increment':
      return current?.kind === 'counter';
    case 'append':
      return current?.kind === 'list';
    case 'text':
      return current?.kind === 'text';
  }
}

/** The keys of a value map in code-unit order: the order state hashes and reports use. */
export function sortedKeys(keys: Iterable<Key>): Key[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
