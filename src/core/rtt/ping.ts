/**
 * The peer messages that measure round trips. A ping carries the sender's local time; the pong
 * echoes it, so the RTT is computed on one clock (the sender's) and clock skew between nodes
 * cannot bias it. `seq` lets the sender count pongs that never came back.
 */
import type { Json } from '../json';
import type { PeerMessage } from '../messages/envelope';
import { decodeWith, isCount, isFiniteNumber, object, required } from '../messages/shape';

export const PING = 'geolab.ping';
export const PONG = 'geolab.pong';

export type PingBody = {
  readonly seq: number;
  /** The pinging node's `env.now()` when it sent the ping. */
  readonly sentAt: number;
};

export type PingMessage = PeerMessage<typeof PING, PingBody>;
export type PongMessage = PeerMessage<typeof PONG, PingBody>;

export function ping(seq: number, sentAt: number): PingMessage {
  return { type: PING, body: { seq, sentAt } };
}

export function pong(of: PingBody): PongMessage {
  return { type: PONG, body: { seq: of.seq, sentAt: of.sentAt } };
}

/** The body of a ping or pong, or undefined when malformed (dropped, never trusted). */
export function readPingBody(body: Json): PingBody | undefined {
  const decoded = decodeWith(() => {
    const o = object(body, 'body', ['seq', 'sentAt']);
    return {
      seq: required(o, 'seq', 'body', isCount, 'a sequence number'),
      sentAt: required(o, 'sentAt', 'body', isFiniteNumber, 'a time in ms'),
    };
  });
  return decoded.ok ? decoded.value : undefined;
}
