/**
 * The leaderless mode's messages between replicas. Every body is read field by field before
 * use (STYLE: every inbound frame is validated); a malformed one throws ShapeError, which the
 * replica logs as a warning and drops.
 *
 * - write / write-ack: a cell to merge (a coordinator's write, a read repair, a handed-off
 *   hint); `for` marks a sloppy-quorum stand-in's copy, kept as a hint for that replica.
 * - read / read-reply: a replica's cell for a key (null: it has none).
 * - heartbeat: for failure detection (any message proves its sender alive).
 * - tree / tree-diff / cells: a Merkle exchange (anti-entropy.ts).
 * - prepare / promise, propose / propose-reply, commit / commit-ack: Paxos (paxos.ts).
 * - forward / forward-result: a sibling write handed to a replica to mint its version.
 */
import { vv, type VersionVector } from '../../core/clocks';
import { isNodeId, isRegionId, type NodeId } from '../../core/ids';
import { isJsonObject, type Json, type JsonObject } from '../../core/json';
import {
  MAX_KEY_LENGTH,
  readClientRequest,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { isCount, object, optional, required, ShapeError } from '../../core/messages/shape';
import { isLwwCell, readCell, type Cell, type LwwCell } from './cell';
import { MAX_MERKLE_DEPTH, treeSize } from './merkle';
import { isStamp, type Stamp } from './timestamps';

export type KeyCell = readonly [key: string, cell: Cell];

export interface Accepted {
  readonly ballot: Stamp;
  readonly cell: LwwCell;
}

export type LeaderlessMessage =
  | {
      readonly type: 'write';
      readonly op: string;
      readonly key: string;
      readonly cell: Cell;
      readonly for?: NodeId;
    }
  | { readonly type: 'write-ack'; readonly op: string }
  | { readonly type: 'read'; readonly op: string; readonly key: string }
  | { readonly type: 'read-reply'; readonly op: string; readonly cell: Cell | null }
  | { readonly type: 'heartbeat' }
  | {
      readonly type: 'tree';
      readonly op: string;
      readonly depth: number;
      readonly hashes: readonly number[];
    }
  | {
      readonly type: 'tree-diff';
      readonly op: string;
      readonly leaves: readonly number[];
      readonly cells: readonly KeyCell[];
    }
  | { readonly type: 'cells'; readonly cells: readonly KeyCell[] }
  | { readonly type: 'prepare'; readonly op: string; readonly key: string; readonly ballot: Stamp }
  | {
      readonly type: 'promise';
      readonly op: string;
      readonly ok: boolean;
      readonly promised: Stamp | null;
      readonly accepted: Accepted | null;
      readonly committed: Stamp | null;
      readonly cell: Cell | null;
    }
  | {
      readonly type: 'propose';
      readonly op: string;
      readonly key: string;
      readonly ballot: Stamp;
      readonly cell: LwwCell;
    }
  | {
      readonly type: 'propose-reply';
      readonly op: string;
      readonly ok: boolean;
      readonly promised: Stamp | null;
    }
  | {
      readonly type: 'commit';
      readonly op: string;
      readonly key: string;
      readonly ballot: Stamp;
      readonly cell: LwwCell;
    }
  | { readonly type: 'commit-ack'; readonly op: string }
  | {
      readonly type: 'forward';
      readonly op: string;
      readonly request: ClientRequest;
      readonly local: string;
      readonly context: VersionVector;
    }
  | { readonly type: 'forward-result'; readonly op: string; readonly result: ClientResult };

export type LeaderlessMessageType = LeaderlessMessage['type'];

const PREFIX = 'leaderless.';

export function encodeMessage(m: LeaderlessMessage): PeerMessage {
  const { type, ...body } = m;
  return { type: PREFIX + type, body: body as unknown as Json };
}

const FIELDS: Record<LeaderlessMessageType, readonly string[]> = {
  write: ['op', 'key', 'cell', 'for'],
  'write-ack': ['op'],
  read: ['op', 'key'],
  'read-reply': ['op', 'cell'],
  heartbeat: [],
  tree: ['op', 'depth', 'hashes'],
  'tree-diff': ['op', 'leaves', 'cells'],
  cells: ['cells'],
  prepare: ['op', 'key', 'ballot'],
  promise: ['op', 'ok', 'promised', 'accepted', 'committed', 'cell'],
  propose: ['op', 'key', 'ballot', 'cell'],
  'propose-reply': ['op', 'ok', 'promised'],
  commit: ['op', 'key', 'ballot', 'cell'],
  'commit-ack': ['op'],
  forward: ['op', 'request', 'local', 'context'],
  'forward-result': ['op', 'result'],
};

/** Operation ids: `<boot>.<counter>` and the like, short tokens. */
const OP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const isOp = (v: Json | undefined): v is string => typeof v === 'string' && OP_PATTERN.test(v);
const isKey = (v: Json | undefined): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const isBoolean = (v: Json | undefined): v is boolean => typeof v === 'boolean';
const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);
const isUint32 = (v: Json | undefined): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isNode = (v: Json | undefined): v is NodeId => isNodeId(v);
const isRegion = (v: Json | undefined): v is string => isRegionId(v);
const isStampOrNull = (v: Json | undefined): v is Stamp | null => v === null || isStamp(v);

/** Reads a peer message as a leaderless message, throwing ShapeError when it is not one. */
export function decodeMessage(msg: PeerMessage): LeaderlessMessage {
  const type = msg.type.startsWith(PREFIX) ? msg.type.slice(PREFIX.length) : undefined;
  if (type === undefined || !Object.hasOwn(FIELDS, type)) {
    throw new ShapeError('type', 'a leaderless message type', msg.type);
  }
  const t = type as LeaderlessMessageType;
  const path = msg.type;
  const o = object(msg.body, path, FIELDS[t]);
  // Field readers are module functions rather than closures made per message: decoding is on
  // the path of every message, and the PBS bench decodes millions.
  switch (t) {
    case 'write': {
      const target = optional(o, 'for', path, isNode, 'a node id');
      const base = {
        type: t,
        op: readOpId(o, path),
        key: readKey(o, path),
        cell: readCell(o.cell, `${path}.cell`),
      };
      return target === undefined ? base : { ...base, for: target };
    }
    case 'write-ack':
    case 'commit-ack':
      return { type: t, op: readOpId(o, path) };
    case 'read':
      return { type: t, op: readOpId(o, path), key: readKey(o, path) };
    case 'read-reply':
      return {
        type: t,
        op: readOpId(o, path),
        cell: o.cell === null ? null : readCell(o.cell, `${path}.cell`),
      };
    case 'heartbeat':
      return { type: t };
    case 'tree': {
      const depth = required(o, 'depth', path, isCount, 'a tree depth');
      if (depth > MAX_MERKLE_DEPTH)
        throw new ShapeError(`${path}.depth`, `≤ ${MAX_MERKLE_DEPTH}`, depth);
      const hashes = required(o, 'hashes', path, isArray, 'an array of hashes');
      if (hashes.length !== treeSize(depth) || !hashes.every(isUint32)) {
        throw new ShapeError(`${path}.hashes`, `${treeSize(depth)} unsigned 32-bit hashes`, hashes);
      }
      return { type: t, op: readOpId(o, path), depth, hashes: hashes as readonly number[] };
    }
    case 'tree-diff': {
      const leaves = required(o, 'leaves', path, isArray, 'an array of leaves');
      if (!leaves.every(isCount)) throw new ShapeError(`${path}.leaves`, 'leaf numbers', leaves);
      return {
        type: t,
        op: readOpId(o, path),
        leaves: leaves as readonly number[],
        cells: readCells(o.cells, path),
      };
    }
    case 'cells':
      return { type: t, cells: readCells(o.cells, path) };
    case 'prepare':
      return { type: t, op: readOpId(o, path), key: readKey(o, path), ballot: readBallot(o, path) };
    case 'promise': {
      const accepted = o.accepted === null ? null : readAccepted(o.accepted, `${path}.accepted`);
      return {
        type: t,
        op: readOpId(o, path),
        ok: required(o, 'ok', path, isBoolean, 'true or false'),
        promised: required(o, 'promised', path, isStampOrNull, 'a ballot or null'),
        accepted,
        committed: required(o, 'committed', path, isStampOrNull, 'a ballot or null'),
        cell: o.cell === null ? null : readCell(o.cell, `${path}.cell`),
      };
    }
    case 'propose':
    case 'commit':
      return {
        type: t,
        op: readOpId(o, path),
        key: readKey(o, path),
        ballot: readBallot(o, path),
        cell: readLwwCell(o.cell, `${path}.cell`),
      };
    case 'propose-reply':
      return {
        type: t,
        op: readOpId(o, path),
        ok: required(o, 'ok', path, isBoolean, 'true or false'),
        promised: required(o, 'promised', path, isStampOrNull, 'a ballot or null'),
      };
    case 'forward': {
      const context = required(o, 'context', path, isJsonObject, 'a version vector');
      if (!vv.isVersionVector(context))
        throw new ShapeError(`${path}.context`, 'a version vector', context);
      return {
        type: t,
        op: readOpId(o, path),
        request: readClientRequest(o.request, `${path}.request`),
        local: required(o, 'local', path, isRegion, 'a region'),
        context: vv.normalize(context),
      };
    }
    case 'forward-result':
      return {
        type: t,
        op: readOpId(o, path),
        result: readClientResult(o.result, `${path}.result`),
      };
  }
}

function readOpId(o: JsonObject, path: string): string {
  return required(o, 'op', path, isOp, 'an operation id');
}

function readBallot(o: JsonObject, path: string): Stamp {
  return required(o, 'ballot', path, isStamp, 'a ballot [ms, counter, node]');
}

function readKey(o: JsonObject, path: string): string {
  return required(o, 'key', path, isKey, `a key of 1 to ${MAX_KEY_LENGTH} characters`);
}

function readLwwCell(v: Json | undefined, path: string): LwwCell {
  const c = readCell(v, path);
  if (!isLwwCell(c)) throw new ShapeError(path, 'a last-write-wins cell', v);
  return c;
}

function readCells(v: Json | undefined, path: string): KeyCell[] {
  if (!Array.isArray(v)) throw new ShapeError(`${path}.cells`, 'an array of [key, cell]', v);
  return (v as readonly Json[]).map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0] as Json)) {
      throw new ShapeError(`${path}.cells[${i}]`, '[key, cell]', pair);
    }
    const p = pair as readonly Json[];
    return [p[0] as string, readCell(p[1], `${path}.cells[${i}][1]`)] as const;
  });
}

function readAccepted(v: Json | undefined, path: string): Accepted {
  const o = object(v, path, ['ballot', 'cell']);
  const cell = readLwwCell(o.cell, `${path}.cell`);
  return { ballot: required(o, 'ballot', path, isStamp, 'a ballot'), cell };
}
