import { isRequestId, type RequestId } from '../../../core/ids';
import type { Json, JsonObject } from '../../../core/json';
import {
  readClientRequest,
  readClientResult,
  readOp,
  type ClientRequest,
  type ClientResult,
} from '../../../core/messages/client';
import type { PeerMessage } from '../../../core/messages/envelope';
import {
  field,
  isCount,
  object,
  optional,
  required,
  ShapeError,
} from '../../../core/messages/shape';
import type { LogEntry } from './log';

/**
 * The async mode's peer messages, and the readers that validate them: a peer's body is
 * checked field by field before use, so a malformed one is refused with a ShapeError that
 * the replica logs, never a crash or a half-applied message.
 *
 * - `append` (primary → backup): entries after (prevIndex, prevEpoch), or none (a heartbeat).
 *   `epoch` is the sender's epoch: the fencing token when fencing is on.
 * - `append.reply`: `ok` with `index` = how far the backup's log now matches the primary's;
 *   or not ok, with `index` = where the primary should retry from (0: "my snapshot differs
 *   from your log: send me yours"); `fenced` when refused for a stale epoch, and then `epoch`
 *   is the newer one the replica has seen.
 * - `snapshot` (primary → backup): the primary's state at `index`, in `parts` chunks.
 * - `failover.query` / `failover.position`: a backup that lost its primary asks its peers
 *   how far their logs reach.
 * - `forward` / `forward.result`: a client request relayed to the primary, and its answer.
 */
export interface Append {
  readonly epoch: number;
  readonly prevIndex: number;
  readonly prevEpoch: number;
  readonly entries: readonly LogEntry[];
}

export interface AppendReply {
  readonly epoch: number;
  readonly ok: boolean;
  /** The `prevIndex` of the append answered: the primary ignores answers to superseded ones. */
  readonly prev: number;
  readonly index: number;
  readonly fenced: boolean;
}

export interface SnapshotChunk {
  readonly epoch: number;
  readonly index: number;
  readonly indexEpoch: number;
  readonly part: number;
  readonly parts: number;
  readonly data: readonly (readonly [string, Json])[];
  readonly outcomes: readonly (readonly [RequestId, ClientResult])[];
}

export interface PositionQuery {
  readonly epoch: number;
  readonly round: number;
}

export interface Position {
  readonly round: number;
  readonly epoch: number;
  readonly lastIndex: number;
  readonly lastEpoch: number;
  /** The answering node is a primary: the asker is not cut off from every primary. */
  readonly primary: boolean;
}

export type AsyncMessage =
  | { readonly type: 'append'; readonly body: Append }
  | { readonly type: 'append.reply'; readonly body: AppendReply }
  | { readonly type: 'snapshot'; readonly body: SnapshotChunk }
  | { readonly type: 'failover.query'; readonly body: PositionQuery }
  | { readonly type: 'failover.position'; readonly body: Position }
  | { readonly type: 'forward'; readonly body: ClientRequest }
  | { readonly type: 'forward.result'; readonly body: ClientResult };

/** The typed message as a peer message: every body is plain JSON by construction. */
export function encode(m: AsyncMessage): PeerMessage {
  return { type: m.type, body: m.body as unknown as Json };
}

const isBoolean = (v: Json | undefined): v is boolean => typeof v === 'boolean';
const isEpoch = (v: Json | undefined): v is number => isCount(v) && v >= 1;
const isList = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);

function list(o: JsonObject, name: string, path: string): readonly Json[] {
  return required(o, name, path, isList, 'an array');
}

function readEntry(v: Json, path: string): LogEntry {
  const o = object(v, path, ['epoch', 'id', 'op']);
  const epoch = required(o, 'epoch', path, isEpoch, 'an epoch (an integer ≥ 1)');
  const id = optional(o, 'id', path, isRequestId, 'a request id');
  if (id === undefined) {
    if (field(o, 'op') !== undefined) throw new ShapeError(`${path}.id`, 'a request id', o.id);
    return { epoch };
  }
  return { epoch, id, op: readOp(field(o, 'op'), `${path}.op`) };
}

function readAppend(v: Json): Append {
  const path = 'append';
  const o = object(v, path, ['epoch', 'prevIndex', 'prevEpoch', 'entries']);
  return {
    epoch: required(o, 'epoch', path, isEpoch, 'an epoch'),
    prevIndex: required(o, 'prevIndex', path, isCount, 'a log index'),
    prevEpoch: required(o, 'prevEpoch', path, isCount, 'an epoch or 0'),
    entries: list(o, 'entries', path).map((e, i) => readEntry(e, `${path}.entries[${i}]`)),
  };
}

function readAppendReply(v: Json): AppendReply {
  const path = 'append.reply';
  const o = object(v, path, ['epoch', 'ok', 'prev', 'index', 'fenced']);
  return {
    epoch: required(o, 'epoch', path, isEpoch, 'an epoch'),
    ok: required(o, 'ok', path, isBoolean, 'a boolean'),
    prev: required(o, 'prev', path, isCount, 'a log index'),
    index: required(o, 'index', path, isCount, 'a log index'),
    fenced: required(o, 'fenced', path, isBoolean, 'a boolean'),
  };
}

const isPair = (v: Json): v is readonly [Json, Json] => Array.isArray(v) && v.length === 2;

function readPair(v: Json, path: string): readonly [Json, Json] {
  if (!isPair(v)) throw new ShapeError(path, 'a pair', v);
  return v;
}

function readSnapshot(v: Json): SnapshotChunk {
  const path = 'snapshot';
  const o = object(v, path, ['epoch', 'index', 'indexEpoch', 'part', 'parts', 'data', 'outcomes']);
  const parts = required(o, 'parts', path, isCount, 'a count');
  const part = required(o, 'part', path, isCount, 'a count');
  if (parts < 1 || part >= parts)
    throw new ShapeError(`${path}.part`, `below parts (${parts})`, part);
  return {
    epoch: required(o, 'epoch', path, isEpoch, 'an epoch'),
    index: required(o, 'index', path, isCount, 'a log index'),
    indexEpoch: required(o, 'indexEpoch', path, isCount, 'an epoch or 0'),
    part,
    parts,
    data: list(o, 'data', path).map((p, i) => {
      const [key, value] = readPair(p, `${path}.data[${i}]`);
      if (typeof key !== 'string' || key.length === 0)
        throw new ShapeError(`${path}.data[${i}][0]`, 'a key', key);
      return [key, value] as const;
    }),
    outcomes: list(o, 'outcomes', path).map((p, i) => {
      const [id, result] = readPair(p, `${path}.outcomes[${i}]`);
      if (!isRequestId(id)) throw new ShapeError(`${path}.outcomes[${i}][0]`, 'a request id', id);
      return [id, readClientResult(result, `${path}.outcomes[${i}][1]`)] as const;
    }),
  };
}

function readQuery(v: Json): PositionQuery {
  const path = 'failover.query';
  const o = object(v, path, ['epoch', 'round']);
  return {
    epoch: required(o, 'epoch', path, isEpoch, 'an epoch'),
    round: required(o, 'round', path, isCount, 'a round number'),
  };
}

function readPosition(v: Json): Position {
  const path = 'failover.position';
  const o = object(v, path, ['round', 'epoch', 'lastIndex', 'lastEpoch', 'primary']);
  return {
    round: required(o, 'round', path, isCount, 'a round number'),
    epoch: required(o, 'epoch', path, isEpoch, 'an epoch'),
    lastIndex: required(o, 'lastIndex', path, isCount, 'a log index'),
    lastEpoch: required(o, 'lastEpoch', path, isCount, 'an epoch or 0'),
    primary: required(o, 'primary', path, isBoolean, 'a boolean'),
  };
}

/**
 * A peer message as one of ours, or undefined for a type this mode does not speak (a newer
 * peer's, say: ignored, as a protocol should). Throws ShapeError on a malformed body.
 */
export function readMessage(msg: PeerMessage): AsyncMessage | undefined {
  switch (msg.type) {
    case 'append':
      return { type: msg.type, body: readAppend(msg.body) };
    case 'append.reply':
      return { type: msg.type, body: readAppendReply(msg.body) };
    case 'snapshot':
      return { type: msg.type, body: readSnapshot(msg.body) };
    case 'failover.query':
      return { type: msg.type, body: readQuery(msg.body) };
    case 'failover.position':
      return { type: msg.type, body: readPosition(msg.body) };
    case 'forward':
      return { type: msg.type, body: readClientRequest(msg.body, 'forward') };
    case 'forward.result':
      return { type: msg.type, body: readClientResult(msg.body, 'forward.result') };
    default:
      return undefined;
  }
}
