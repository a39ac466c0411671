/**
 * The peer message and the envelope that carries it between replicas.
 *
 * A mode sends a `PeerMessage` (`type` + JSON `body`) with `env.send(to, msg)`; the runtime
 * wraps it in an `Envelope` stamped with the protocol version and both node ids, and on the
 * other side checks the envelope before the receiving mode's `onMessage(from, msg)` sees it.
 * `body` is the mode's business: it should validate what it reads (see ./shape), because the
 * envelope check only guarantees well-formed JSON within the limits.
 */
import { isNodeId, type NodeId } from '../ids';
import { isJsonObject, type Json } from '../json';
import { parseFrame, rejected, type Decoded, type FrameLimits } from './frame';
import { decodeWith, field, isPresent, isString, object, required, ShapeError } from './shape';

/**
 * Bumped on any incompatible change to the envelope; receivers refuse other versions with
 * `bad-version` rather than guess, so mixed deployments fail loudly at the first frame.
 */
export const PROTOCOL_VERSION = 1;

/** Message types are short lowercase tokens: `append`, `vote.reply`, `geolab.ping`. */
export const MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;

/** What a mode sends and receives. Modes narrow `T` and `B` to their own message unions. */
export interface PeerMessage<T extends string = string, B extends Json = Json> {
  readonly type: T;
  readonly body: B;
}

/** A peer message on the wire. */
export interface Envelope extends PeerMessage {
  readonly v: typeof PROTOCOL_VERSION;
  readonly from: NodeId;
  readonly to: NodeId;
}

export function envelope(from: NodeId, to: NodeId, msg: PeerMessage): Envelope {
  return { v: PROTOCOL_VERSION, from, to, type: msg.type, body: msg.body };
}

/** The text frame for `e`. Field order is fixed, so equal envelopes give equal frames. */
export function encodeEnvelope(e: Envelope): string {
  return JSON.stringify({ v: e.v, from: e.from, to: e.to, type: e.type, body: e.body });
}

export interface EnvelopeCheck extends FrameLimits {
  /** The receiving node: a frame addressed to another node is `misaddressed`. */
  readonly self?: NodeId;
  /** The nodes allowed to send (the cluster's members): others are `unknown-peer`. */
  readonly peers?: ReadonlySet<NodeId>;
}

const FIELDS = ['v', 'from', 'to', 'type', 'body'];

/** A received frame → an envelope, or a rejection saying why. Never throws. */
export function decodeEnvelope(
  data: string | Uint8Array,
  check: EnvelopeCheck = {},
): Decoded<Envelope> {
  const parsed = parseFrame(data, check);
  if (!parsed.ok) return parsed;
  const frame = parsed.value;
  if (isJsonObject(frame)) {
    const v = field(frame, 'v');
    if (v !== PROTOCOL_VERSION) {
      return rejected(
        'bad-version',
        `envelope version ${JSON.stringify(v)}, expected ${PROTOCOL_VERSION}`,
      );
    }
  }
  const decoded = decodeWith((): Envelope => {
    const o = object(frame, 'envelope', FIELDS);
    const from = required(o, 'from', 'envelope', isNodeId, 'a node id');
    const to = required(o, 'to', 'envelope', isNodeId, 'a node id');
    const type = required(o, 'type', 'envelope', isString, 'a message type');
    if (!MESSAGE_TYPE_PATTERN.test(type)) {
      throw new ShapeError('envelope.type', `a token matching ${MESSAGE_TYPE_PATTERN}`, type);
    }
    const body = required(o, 'body', 'envelope', isPresent, 'a JSON value (null for none)');
    return { v: PROTOCOL_VERSION, from, to, type, body };
  });
  if (!decoded.ok) return decoded;
  const e = decoded.value;
  if (check.self !== undefined && e.to !== check.self) {
    return rejected('misaddressed', `envelope for ${e.to} reached ${check.self}`);
  }
  if (check.peers !== undefined && !check.peers.has(e.from)) {
    return rejected('unknown-peer', `envelope from ${e.from}, which is not a member`);
  }
  return decoded;
}
