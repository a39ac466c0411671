/**
 * Multi-leader's peer messages. Every body is read field by field before use: a malformed
 * message is refused with a ShapeError, which the replica logs and drops (STYLE: every
 * inbound frame is validated); an update's payload is checked by the resolver.
 *
 * - `updates`: batches, pushed every batch interval (leader → other leaders: its own; leader →
 *   its followers: everything it applied, in its order), or resent by anti-entropy. Carries
 *   the sender's applied vector, which tells the receiver what the sender has.
 * - `vector`: "this is what I have applied", and with `want` "send me what I lack". Sent with
 *   `want` every anti-entropy interval, on a gap, and when a peer is heard again after silence;
 *   without it by a follower acknowledging what it applied (for its leader's compaction): a
 *   follower's applied vector trails the pushes in flight, and answering it would resend them.
 * - `forward` / `forward.result`: a follower relays its clients' requests to its leader.
 */
import { vv, type VersionVector } from '../../core/clocks';
import type { Json } from '../../core/json';
import {
  readClientRequest,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { object, required, ShapeError } from '../../core/messages/shape';
import { readUpdates, updateJson, type Update, type UpdateReader } from './replication/update';

/** Why updates are sent: a regular push, or a resend (its last message says so). */
export type Sending = 'push' | 'resend' | 'resend-end';
const SENDINGS: readonly Sending[] = ['push', 'resend', 'resend-end'];

export type MultiLeaderMessage =
  | {
      readonly type: 'updates';
      readonly sending: Sending;
      readonly applied: VersionVector;
      readonly updates: readonly Update[];
    }
  | { readonly type: 'vector'; readonly applied: VersionVector; readonly want: boolean }
  | { readonly type: 'forward'; readonly request: ClientRequest }
  | { readonly type: 'forward.result'; readonly result: ClientResult };

const PREFIX = 'ml.';

export function encodeMessage(m: MultiLeaderMessage): PeerMessage {
  switch (m.type) {
    case 'updates':
      return {
        type: PREFIX + m.type,
        body: { sending: m.sending, applied: m.applied, updates: m.updates.map(updateJson) },
      };
    case 'vector':
      return { type: PREFIX + m.type, body: { applied: m.applied, want: m.want } };
    case 'forward':
      return { type: PREFIX + m.type, body: { request: m.request as unknown as Json } };
    case 'forward.result':
      return { type: PREFIX + m.type, body: { result: m.result as unknown as Json } };
  }
}

const isVector = (v: Json | undefined): v is VersionVector => vv.isVersionVector(v);
const isBoolean = (v: Json | undefined): v is boolean => typeof v === 'boolean';
const isSending = (v: Json | undefined): v is Sending =>
  typeof v === 'string' && (SENDINGS as readonly string[]).includes(v);

/** Reads a peer message as a multi-leader message, throwing ShapeError when it is not one. */
export function decodeMessage(msg: PeerMessage, reader: UpdateReader): MultiLeaderMessage {
  const type = msg.type.startsWith(PREFIX) ? msg.type.slice(PREFIX.length) : undefined;
  const path = msg.type;
  switch (type) {
    case 'updates': {
      const o = object(msg.body, path, ['sending', 'applied', 'updates']);
      return {
        type,
        sending: required(o, 'sending', path, isSending, SENDINGS.join(' or ')),
        applied: required(o, 'applied', path, isVector, 'a version vector'),
        updates: readUpdates(o.updates, `${path}.updates`, reader),
      };
    }
    case 'vector': {
      const o = object(msg.body, path, ['applied', 'want']);
      return {
        type,
        applied: required(o, 'applied', path, isVector, 'a version vector'),
        want: required(o, 'want', path, isBoolean, 'true or false'),
      };
    }
    case 'forward': {
      const o = object(msg.body, path, ['request']);
      return { type, request: readClientRequest(o.request, `${path}.request`) };
    }
    case 'forward.result': {
      const o = object(msg.body, path, ['result']);
      return { type, result: readClientResult(o.result, `${path}.result`) };
    }
    default:
      throw new ShapeError('type', 'a multi-leader message type', msg.type);
  }
}
