/**
 * The unit of replication: one batch of a region leader's local updates, sealed together.
 *
 * Every batch gets a dot (origin leader, sequence number): sequence numbers are consecutive
 * per origin, so a receiver's "applied" state is a version vector of one number per origin,
 * and what it lacks from a peer is a range per origin (anti-entropy compares vectors).
 *
 * With causal delivery, a batch carries `deps`: the version vector of everything its origin
 * had applied when it sealed, from every origin and every key and document. A receiver
 * applies it only once its own vector covers `deps`. Sealing happens before any remote update
 * is applied, so `deps` is exactly what each op in the batch could have seen: the batch's
 * first op was accepted on the same applied state as its last.
 *
 * Without causal delivery nobody waits, but conflict detection still needs to know what the
 * writer had seen of each key: the batch then carries `contexts`, per key written, the highest
 * write of that key from each origin the writer had applied (a per-key version vector, as
 * Dynamo keeps). Both omit the origin's own entry: per-origin FIFO covers it.
 */
import { vv, type VersionVector } from '../../../core/clocks';
import { isNodeId, type NodeId } from '../../../core/ids';
import type { Json } from '../../../core/json';
import { MAX_KEY_LENGTH, type Key } from '../../../core/messages/client';
import {
  isCount,
  isFiniteNumber,
  isPresent,
  object,
  optional,
  required,
  ShapeError,
} from '../../../core/messages/shape';

export interface Update {
  readonly origin: NodeId;
  readonly seq: number;
  /** The origin's clock (ms) when the batch's first op was accepted: visibility starts there. */
  readonly at: number;
  /** Client ops in the batch. */
  readonly ops: number;
  /** Keys the batch writes, sorted. */
  readonly keys: readonly Key[];
  readonly deps?: VersionVector;
  /** Aligned with `keys`. */
  readonly contexts?: readonly VersionVector[];
  /** The resolver's encoding of the ops. */
  readonly payload: Json;
}

const FIELDS = ['origin', 'seq', 'at', 'ops', 'keys', 'deps', 'contexts', 'payload'];

const isKey = (v: Json): v is Key =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const isKeys = (v: Json | undefined): v is readonly Key[] => Array.isArray(v) && v.every(isKey);
const isVector = (v: Json | undefined): v is VersionVector => vv.isVersionVector(v);
const isVectors = (v: Json | undefined): v is readonly VersionVector[] =>
  Array.isArray(v) && v.every((x: Json) => vv.isVersionVector(x));

export interface UpdateReader {
  /** Whether `node` leads a region, i.e. may originate updates. */
  readonly isOrigin: (node: NodeId) => boolean;
  /** The resolver's payload check (throws ShapeError). */
  readonly readPayload: (v: Json | undefined, path: string) => Json;
}

/** Reads an update from a peer or from the log, throwing ShapeError when it is not one. */
export function readUpdate(v: Json | undefined, path: string, reader: UpdateReader): Update {
  const o = object(v, path, FIELDS);
  const origin = required(o, 'origin', path, isNodeId, 'a node id');
  if (!reader.isOrigin(origin)) throw new ShapeError(`${path}.origin`, 'a region leader', origin);
  const seq = required(o, 'seq', path, isCount, 'a sequence number');
  if (seq < 1) throw new ShapeError(`${path}.seq`, 'a sequence number from 1', seq);
  const keys = required(o, 'keys', path, isKeys, 'an array of keys');
  const deps = optional(o, 'deps', path, isVector, 'a version vector');
  const contexts = optional(o, 'contexts', path, isVectors, 'an array of version vectors');
  if (contexts !== undefined && contexts.length !== keys.length) {
    throw new ShapeError(
      `${path}.contexts`,
      `one version vector per key (${keys.length})`,
      contexts,
    );
  }
  return {
    origin,
    seq,
    at: required(o, 'at', path, isFiniteNumber, 'a time in ms'),
    ops: required(o, 'ops', path, isCount, 'an op count'),
    keys,
    ...(deps === undefined ? {} : { deps }),
    ...(contexts === undefined ? {} : { contexts }),
    payload: reader.readPayload(
      required(o, 'payload', path, isPresent, 'a payload'),
      `${path}.payload`,
    ),
  };
}

/** Reads a list of updates (a message's, or a resend's). */
export function readUpdates(v: Json | undefined, path: string, reader: UpdateReader): Update[] {
  if (!Array.isArray(v)) throw new ShapeError(path, 'an array of updates', v);
  return v.map((u: Json, i: number) => readUpdate(u, `${path}[${i}]`, reader));
}

/** An update as JSON (it is one already; this only widens the type for messages and logs). */
export function updateJson(u: Update): Json {
  return u as unknown as Json;
}

export interface UpdateSize {
  /** Characters of its JSON (bytes, as payloads are ASCII: base64 and JSON of ASCII keys). */
  readonly bytes: number;
  /** The part that is not the resolver's payload: dot, time, keys, deps or contexts. */
  readonly metadataBytes: number;
}

/** Sizes by update: an update is immutable, and is measured when sealed, pushed and resent. */
const sizes = new WeakMap<Update, UpdateSize>();

/** What a batch costs on the wire. */
export function updateSize(u: Update): UpdateSize {
  let size = sizes.get(u);
  if (size === undefined) {
    const bytes = JSON.stringify(u).length;
    size = { bytes, metadataBytes: bytes - JSON.stringify(u.payload).length };
    sizes.set(u, size);
  }
  return size;
}

/** Whether everything `deps` names is applied here (no deps: nothing to wait for). */
export function depsSatisfied(
  deps: VersionVector | undefined,
  applied: (origin: NodeId) => number,
): boolean {
  if (deps === undefined) return true;
  for (const origin of Object.keys(deps) as NodeId[]) {
    if (applied(origin) < deps[origin]) return false;
  }
  return true;
}
