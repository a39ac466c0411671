/**
 * How the interaction scripts print Raft's messages, client results and log entries: one line
 * each, every field of the message in the order messages.ts declares it, so that a trace can
 * be read without the code at hand and any change in what goes on the wire shows in a diff.
 */
import type { Json } from '../../../../../src/core/json';
import type { ClientRequest, ClientResult, Op } from '../../../../../src/core/messages/client';
import type { PeerMessage } from '../../../../../src/core/messages/envelope';
import { ShapeError } from '../../../../../src/core/messages/shape';
import {
  decodeRaftMessage,
  type Entry,
  type RaftMessage,
  type SnapshotState,
} from '../../../../../src/modes/single-leader/raft/messages';

const json = (v: Json | undefined): string => (v === undefined ? '-' : JSON.stringify(v));

export function formatOp(op: Op): string {
  return op.f === 'read' ? `read ${op.key}` : `${op.f} ${op.key}=${json(op.value as Json)}`;
}

/** A request as a log entry or a forward carries it: its id, then the operation. */
export function formatRequest(r: ClientRequest): string {
  return `${r.id} ${formatOp(r.op)}${r.level === undefined ? '' : ` level=${r.level}`}`;
}

/** `term:what`, e.g. `1:noop` or `2:w1 write x=1`. */
export function formatEntry(e: Entry): string {
  return `${e.term}:${e.request === undefined ? 'noop' : formatRequest(e.request)}`;
}

export function formatResult(r: ClientResult): string {
  if (r.type === 'ok') return `${r.id} ok ${json(r.value)}`;
  return `${r.id} ${r.type} ${r.error}${r.detail === undefined ? '' : ` (${r.detail})`}`;
}

export function formatState(s: SnapshotState): string {
  const data = s.data.map(([k, v]) => `${k}=${json(v)}`).join(' ');
  return `{${data}${s.outcomes.length > 0 ? ` | ${s.outcomes.length} outcomes` : ''}}`;
}

function formatBody(m: RaftMessage): string {
  switch (m.type) {
    case 'append':
      return (
        `term=${m.term} prevIndex=${m.prevIndex} prevTerm=${m.prevTerm} ` +
        `entries=[${m.entries.map(formatEntry).join(', ')}] commit=${m.commit} round=${m.round}`
      );
    case 'append.resp':
      return (
        `term=${m.term} index=${m.index} reject=${m.reject} ` +
        `hintIndex=${m.hintIndex} hintTerm=${m.hintTerm} round=${m.round}`
      );
    case 'heartbeat':
      return `term=${m.term} commit=${m.commit} round=${m.round}`;
    case 'heartbeat.resp':
      return `term=${m.term} round=${m.round}`;
    case 'vote':
      return (
        `term=${m.term} lastIndex=${m.lastIndex} lastTerm=${m.lastTerm} ` +
        `pre=${m.pre} force=${m.force}`
      );
    case 'vote.resp':
      return `term=${m.term} granted=${m.granted} pre=${m.pre}`;
    case 'snapshot':
      return (
        `term=${m.term} index=${m.index} snapshotTerm=${m.snapshotTerm} ` +
        `state=${formatState(m.state)} round=${m.round}`
      );
    case 'timeout-now':
      return `term=${m.term}`;
    case 'forward':
      return formatRequest(m.request);
    case 'forward.result':
      return formatResult(m.result);
  }
}

/** `from->to type body`; a message Raft would refuse is shown raw, marked malformed. */
export function formatMessage(from: string, to: string, msg: PeerMessage): string {
  try {
    return `${from}->${to} ${msg.type} ${formatBody(decodeRaftMessage(msg))}`;
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return `${from}->${to} ${msg.type} (malformed: ${e.message}) ${json(msg.body)}`;
  }
}
