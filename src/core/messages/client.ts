/**
 * What clients ask and what replicas answer, in Jepsen's terms (DESIGN §5, STYLE "history as
 * data"): a request names its client, its region and one operation; the result is
 * - `ok`: it happened, with the value it returned;
 * - `fail`: it definitely did not happen (not applied anywhere, and never will be);
 * - `info`: unknown: it may have happened, or may still happen later.
 * A replica must answer `fail` only when it knows the op cannot take effect (it was never
 * proposed, or its proposal was refused); a timeout after proposing is `info`. Checkers trust
 * `fail`, so a wrong `fail` turns a correct system's history into a false violation.
 */
import {
  isClientId,
  isRegionId,
  isRequestId,
  type ClientId,
  type RegionId,
  type RequestId,
} from '../ids';
import type { Json } from '../json';
import {
  field,
  isCount,
  isFiniteNumber,
  isPresent,
  isString,
  object,
  optional,
  required,
  ShapeError,
} from './shape';

/** A key: a non-empty string of at most MAX_KEY_LENGTH units (it also appears in URLs). */
export type Key = string;
export const MAX_KEY_LENGTH = 256;

/** An edit of a text document (the CRDT workloads): delete `delete` units at `index`, insert. */
export interface TextEdit {
  readonly index: number;
  readonly delete: number;
  readonly insert: string;
}

export type Op =
  | { readonly f: 'read'; readonly key: Key }
  | { readonly f: 'write'; readonly key: Key; readonly value: Json }
  /** Compare-and-set: `value` is `[expected, next]`, Jepsen's convention. */
  | { readonly f: 'cas'; readonly key: Key; readonly value: readonly [Json, Json] }
  /** Add `value` to a counter. */
  | { readonly f: 'increment'; readonly key: Key; readonly value: number }
  /** Append `value` to a list. */
  | { readonly f: 'append'; readonly key: Key; readonly value: Json }
  | { readonly f: 'text'; readonly key: Key; readonly value: TextEdit };

export type OpFunction = Op['f'];
export const OP_FUNCTIONS: readonly OpFunction[] = [
  'read',
  'write',
  'cas',
  'increment',
  'append',
  'text',
];

/**
 * A per-request consistency level (`ONE`, `LOCAL_QUORUM`, `linearizable`, `lease`, …); each
 * mode says which it accepts and answers `fail` with `unsupported` otherwise.
 */
export type Level = string;
export const LEVEL_PATTERN = /^[A-Za-z][A-Za-z0-9_:-]{0,31}$/;

export interface ClientRequest {
  readonly id: RequestId;
  readonly client: ClientId;
  /** The client's region, for LOCAL_* levels, metrics and the history. */
  readonly region: RegionId;
  readonly op: Op;
  readonly level?: Level;
}

/**
 * Why an op failed or is unknown. Typical pairings: `cas-mismatch`, `not-leader`,
 * `unavailable`, `invalid-request`, `unsupported`, `overloaded`, `aborted` are `fail`;
 * `timeout`, `indeterminate`, `connection-lost` are `info`. The result type, not the code,
 * is what checkers trust.
 */
export type ErrorCode =
  /** A cas compared, and the register did not hold the expected value: it ran, state unchanged. */
  | 'cas-mismatch'
  /** This replica cannot serve it (not the leader or owner) and did not forward it. */
  | 'not-leader'
  /** Too few replicas reachable to even start (e.g. QUORUM with a majority cut off). */
  | 'unavailable'
  | 'invalid-request'
  /** The mode does not offer this op or level. */
  | 'unsupported'
  | 'overloaded'
  /** Refused after starting, before any effect (e.g. a proposal dropped on a term change). */
  | 'aborted'
  | 'timeout'
  /** Proposed or sent, and the replica lost track of its outcome (e.g. it lost leadership). */
  | 'indeterminate'
  /** Client side: the connection dropped while the request was outstanding. */
  | 'connection-lost';

export const ERROR_CODES: readonly ErrorCode[] = [
  'cas-mismatch',
  'not-leader',
  'unavailable',
  'invalid-request',
  'unsupported',
  'overloaded',
  'aborted',
  'timeout',
  'indeterminate',
  'connection-lost',
];

export interface OkResult {
  readonly type: 'ok';
  readonly id: RequestId;
  /** A read's value (null when the key is absent), a write's argument, a counter's total. */
  readonly value: Json;
}
export interface FailResult {
  readonly type: 'fail';
  readonly id: RequestId;
  readonly error: ErrorCode;
  /** A sentence for people: what happened, e.g. which leader to ask. */
  readonly detail?: string;
}
export interface InfoResult {
  readonly type: 'info';
  readonly id: RequestId;
  readonly error: ErrorCode;
  readonly detail?: string;
}
export type ClientResult = OkResult | FailResult | InfoResult;

export const ok = (id: RequestId, value: Json): OkResult => ({ type: 'ok', id, value });
export function fail(id: RequestId, error: ErrorCode, detail?: string): FailResult {
  return detail === undefined ? { type: 'fail', id, error } : { type: 'fail', id, error, detail };
}
export function info(id: RequestId, error: ErrorCode, detail?: string): InfoResult {
  return detail === undefined ? { type: 'info', id, error } : { type: 'info', id, error, detail };
}

/** Whether an op changes state (everything but read): what replication must carry. */
export function isUpdate(op: Op): boolean {
  return op.f !== 'read';
}

const isKey = (v: Json | undefined): v is Key =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const isLevel = (v: Json | undefined): v is Level => typeof v === 'string' && LEVEL_PATTERN.test(v);
const isOpFunction = (v: Json | undefined): v is OpFunction =>
  typeof v === 'string' && (OP_FUNCTIONS as readonly string[]).includes(v);
const isErrorCode = (v: Json | undefined): v is ErrorCode =>
  typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
const isPair = (v: Json | undefined): v is readonly [Json, Json] =>
  Array.isArray(v) && v.length === 2;

function readTextEdit(v: Json | undefined, path: string): TextEdit {
  const o = object(v, path, ['index', 'delete', 'insert']);
  return {
    index: required(o, 'index', path, isCount, 'a non-negative integer'),
    delete: required(o, 'delete', path, isCount, 'a non-negative integer'),
    insert: required(o, 'insert', path, isString, 'a string'),
  };
}

/** Reads an op, throwing ShapeError (see ./shape) when it is not one. */
export function readOp(v: Json | undefined, path: string): Op {
  const o = object(v, path, ['f', 'key', 'value']);
  const f = required(o, 'f', path, isOpFunction, `one of ${OP_FUNCTIONS.join(', ')}`);
  const key = required(o, 'key', path, isKey, `a key of 1 to ${MAX_KEY_LENGTH} characters`);
  switch (f) {
    case 'read':
      if (field(o, 'value') !== undefined)
        throw new ShapeError(`${path}.value`, 'no value for a read', o.value);
      return { f, key };
    case 'write':
    case 'append':
      return { f, key, value: required(o, 'value', path, isPresent, 'a JSON value') };
    case 'cas':
      return { f, key, value: required(o, 'value', path, isPair, '[expected, new]') };
    case 'increment':
      return { f, key, value: required(o, 'value', path, isFiniteNumber, 'a finite number') };
    case 'text':
      return { f, key, value: readTextEdit(field(o, 'value'), `${path}.value`) };
  }
}

const REQUEST_FIELDS = ['id', 'client', 'region', 'op', 'level'];

/** Reads a client request, throwing ShapeError when it is not one. */
export function readClientRequest(v: Json | undefined, path = 'request'): ClientRequest {
  const o = object(v, path, REQUEST_FIELDS);
  const id = required(o, 'id', path, isRequestId, 'a request id');
  const client = required(o, 'client', path, isClientId, 'a client id');
  const region = required(o, 'region', path, isRegionId, 'a region id');
  const op = readOp(field(o, 'op'), `${path}.op`);
  const level = optional(o, 'level', path, isLevel, `a level matching ${LEVEL_PATTERN}`);
  return level === undefined ? { id, client, region, op } : { id, client, region, op, level };
}

/** Reads a client result, throwing ShapeError when it is not one. */
export function readClientResult(v: Json | undefined, path = 'result'): ClientResult {
  const o = object(v, path, ['type', 'id', 'value', 'error', 'detail']);
  const type = field(o, 'type');
  const id = required(o, 'id', path, isRequestId, 'a request id');
  // Each variant has its own fields: a result carrying both a value and an error is refused.
  if (type === 'ok') {
    object(o, path, ['type', 'id', 'value']);
    return ok(id, required(o, 'value', path, isPresent, 'a JSON value'));
  }
  if (type !== 'fail' && type !== 'info')
    throw new ShapeError(`${path}.type`, 'ok, fail or info', type);
  object(o, path, ['type', 'id', 'error', 'detail']);
  const error = required(o, 'error', path, isErrorCode, `one of ${ERROR_CODES.join(', ')}`);
  const detail = optional(o, 'detail', path, isString, 'a string');
  return type === 'fail' ? fail(id, error, detail) : info(id, error, detail);
}
