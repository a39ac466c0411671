/**
 * Raft's messages, as etcd-io/raft names them (MsgApp, MsgHeartbeat, MsgVote, MsgPreVote,
 * MsgSnap, MsgTimeoutNow), plus the forwarding of client requests to the leader. Every body
 * is read field by field before use: a malformed message is refused with a ShapeError, which
 * the replica logs and drops (STYLE: "every inbound frame is validated").
 */
import { isRequestId, type RequestId } from '../../../core/ids';
import type { Json } from '../../../core/json';
import {
  readClientRequest,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from '../../../core/messages/client';
import type { PeerMessage } from '../../../core/messages/envelope';
import { isCount, isPresent, object, required, ShapeError } from '../../../core/messages/shape';

/** A log entry: the term it was proposed in and the request it carries (none: a no-op). */
export interface Entry {
  readonly term: number;
  readonly request?: ClientRequest;
}

/** The state machine as a snapshot carries it: the data and the remembered outcomes. */
export interface SnapshotState {
  readonly data: readonly (readonly [string, Json])[];
  readonly outcomes: readonly (readonly [RequestId, ClientResult])[];
}

export type RaftMessage =
  | {
      readonly type: 'append';
      readonly term: number;
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
      /** The leader's heartbeat round when it sent this; echoed, it proves recognition. */
      readonly round: number;
    }
  | {
      readonly type: 'append.resp';
      readonly term: number;
      /** Accepted: the last index now known to match. Rejected: the prevIndex refused. */
      readonly index: number;
      readonly reject: boolean;
      /** On rejection, where the follower's log may match (etcd's findConflictByTerm). */
      readonly hintIndex: number;
      readonly hintTerm: number;
      readonly round: number;
    }
  | {
      readonly type: 'heartbeat';
      readonly term: number;
      readonly commit: number;
      readonly round: number;
    }
  | { readonly type: 'heartbeat.resp'; readonly term: number; readonly round: number }
  | {
      readonly type: 'vote';
      readonly term: number;
      readonly lastIndex: number;
      readonly lastTerm: number;
      /** A pre-vote asks "would you vote for me in `term`?" and changes nobody's term. */
      readonly pre: boolean;
      /** Sent after a leadership transfer: voters grant it even while they follow a leader. */
      readonly force: boolean;
    }
  | {
      readonly type: 'vote.resp';
      readonly term: number;
      readonly granted: boolean;
      readonly pre: boolean;
    }
  | {
      readonly type: 'snapshot';
      readonly term: number;
      readonly index: number;
      readonly snapshotTerm: number;
      /** This message's share of the state: part `part` of `parts` (snapshot-parts.ts). */
      readonly state: SnapshotState;
      readonly part: number;
      readonly parts: number;
      readonly round: number;
    }
  | { readonly type: 'timeout-now'; readonly term: number }
  | { readonly type: 'forward'; readonly request: ClientRequest }
  | { readonly type: 'forward.result'; readonly result: ClientResult };

export type RaftMessageType = RaftMessage['type'];

const PREFIX = 'raft.';

/** The peer message for `m`: the type on the wire is `raft.<type>`, the rest the body. */
export function encodeRaftMessage(m: RaftMessage): PeerMessage {
  const { type, ...body } = m;
  return { type: PREFIX + type, body: body as unknown as Json };
}

/** Per-type field lists: unknown fields are refused, so a mistyped sender fails loudly. */
const FIELDS: Record<RaftMessageType, readonly string[]> = {
  append: ['term', 'prevIndex', 'prevTerm', 'entries', 'commit', 'round'],
  'append.resp': ['term', 'index', 'reject', 'hintIndex', 'hintTerm', 'round'],
  heartbeat: ['term', 'commit', 'round'],
  'heartbeat.resp': ['term', 'round'],
  vote: ['term', 'lastIndex', 'lastTerm', 'pre', 'force'],
  'vote.resp': ['term', 'granted', 'pre'],
  snapshot: ['term', 'index', 'snapshotTerm', 'state', 'part', 'parts', 'round'],
  'timeout-now': ['term'],
  forward: ['request'],
  'forward.result': ['result'],
};

const isBoolean = (v: Json | undefined): v is boolean => typeof v === 'boolean';
const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);

/** Reads a peer message as a Raft message, throwing ShapeError when it is not one. */
export function decodeRaftMessage(msg: PeerMessage): RaftMessage {
  const type = msg.type.startsWith(PREFIX) ? msg.type.slice(PREFIX.length) : undefined;
  if (type === undefined || !Object.hasOwn(FIELDS, type)) {
    throw new ShapeError('type', 'a raft message type', msg.type);
  }
  const t = type as RaftMessageType;
  const path = msg.type;
  const o = object(msg.body, path, FIELDS[t]);
  const count = (name: string) => required(o, name, path, isCount, 'a non-negative integer');
  const bool = (name: string) => required(o, name, path, isBoolean, 'true or false');
  switch (t) {
    case 'append':
      return {
        type: t,
        term: count('term'),
        prevIndex: count('prevIndex'),
        prevTerm: count('prevTerm'),
        entries: required(o, 'entries', path, isArray, 'an array').map((e, i) =>
          readEntry(e, `${path}.entries[${i}]`),
        ),
        commit: count('commit'),
        round: count('round'),
      };
    case 'append.resp':
      return {
        type: t,
        term: count('term'),
        index: count('index'),
        reject: bool('reject'),
        hintIndex: count('hintIndex'),
        hintTerm: count('hintTerm'),
        round: count('round'),
      };
    case 'heartbeat':
      return { type: t, term: count('term'), commit: count('commit'), round: count('round') };
    case 'heartbeat.resp':
      return { type: t, term: count('term'), round: count('round') };
    case 'vote':
      return {
        type: t,
        term: count('term'),
        lastIndex: count('lastIndex'),
        lastTerm: count('lastTerm'),
        pre: bool('pre'),
        force: bool('force'),
      };
    case 'vote.resp':
      return { type: t, term: count('term'), granted: bool('granted'), pre: bool('pre') };
    case 'snapshot': {
      const parts = count('parts');
      if (parts < 1) throw new ShapeError(`${path}.parts`, 'at least 1', parts);
      const part = count('part');
      if (part >= parts) throw new ShapeError(`${path}.part`, `below parts (${parts})`, part);
      return {
        type: t,
        term: count('term'),
        index: count('index'),
        snapshotTerm: count('snapshotTerm'),
        state: readSnapshotState(required(o, 'state', path, isPresent, 'a state'), `${path}.state`),
        part,
        parts,
        round: count('round'),
      };
    }
    case 'timeout-now':
      return { type: t, term: count('term') };
    case 'forward':
      return { type: t, request: readClientRequest(o.request, `${path}.request`) };
    case 'forward.result':
      return { type: t, result: readClientResult(o.result, `${path}.result`) };
  }
}

export function readEntry(v: Json | undefined, path: string): Entry {
  const o = object(v, path, ['term', 'request']);
  const term = required(o, 'term', path, isCount, 'a non-negative integer');
  return o.request === undefined
    ? { term }
    : { term, request: readClientRequest(o.request, `${path}.request`) };
}

export function readSnapshotState(v: Json | undefined, path: string): SnapshotState {
  const o = object(v, path, ['data', 'outcomes']);
  const data = required(o, 'data', path, isArray, 'an array').map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      throw new ShapeError(`${path}.data[${i}]`, '[key, value]', pair);
    }
    return [pair[0], pair[1] as Json] as const;
  });
  const outcomes = required(o, 'outcomes', path, isArray, 'an array').map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isRequestId(pair[0])) {
      throw new ShapeError(`${path}.outcomes[${i}]`, '[request id, result]', pair);
    }
    return [pair[0], readClientResult(pair[1], `${path}.outcomes[${i}][1]`)] as const;
  });
  return { data, outcomes };
}
