/**
 * Frames between a client program (workload, dashboard, CLI) and a replica's client endpoint.
 *
 *   client → replica   {v, kind: 'request', request}   one operation
 *                      {v, kind: 'ping'}               "how do you see your peers?"
 *   replica → client   {v, kind: 'result', result}     the operation's ok | fail | info
 *                      {v, kind: 'pong', report}       measured RTTs to every peer
 *                      {v, kind: 'error', code, message, id?}
 *
 * A frame the replica cannot accept is answered with an `error` frame and the connection
 * stays up (a client bug must not cost other requests on the socket). When the bad frame still
 * names a readable request id, the error carries it, so the client can complete that op as
 * `fail`: a request never decoded was definitely never applied.
 */
import { isNodeId, isRequestId, type RequestId } from '../ids';
import { isJsonObject, type Json } from '../json';
import type { RttReport } from '../rtt/rtt-probe';
import {
  readClientRequest,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from './client';
import { PROTOCOL_VERSION } from './envelope';
import {
  FRAME_ERROR_CODES,
  parseFrame,
  rejected,
  type Decoded,
  type FrameError,
  type FrameErrorCode,
  type FrameLimits,
} from './frame';
import {
  decodeWith,
  field,
  isCount,
  isFiniteNumber,
  isString,
  object,
  required,
  ShapeError,
} from './shape';

export type ClientFrame =
  | {
      readonly v: typeof PROTOCOL_VERSION;
      readonly kind: 'request';
      readonly request: ClientRequest;
    }
  | { readonly v: typeof PROTOCOL_VERSION; readonly kind: 'ping' };

export type ReplicaFrame =
  | { readonly v: typeof PROTOCOL_VERSION; readonly kind: 'result'; readonly result: ClientResult }
  | { readonly v: typeof PROTOCOL_VERSION; readonly kind: 'pong'; readonly report: RttReport }
  | {
      readonly v: typeof PROTOCOL_VERSION;
      readonly kind: 'error';
      readonly code: FrameErrorCode;
      readonly message: string;
      readonly id?: RequestId;
    };

export const requestFrame = (request: ClientRequest): ClientFrame => ({
  v: PROTOCOL_VERSION,
  kind: 'request',
  request,
});
export const pingFrame = (): ClientFrame => ({ v: PROTOCOL_VERSION, kind: 'ping' });
export const resultFrame = (result: ClientResult): ReplicaFrame => ({
  v: PROTOCOL_VERSION,
  kind: 'result',
  result,
});
export const pongFrame = (report: RttReport): ReplicaFrame => ({
  v: PROTOCOL_VERSION,
  kind: 'pong',
  report,
});
export function errorFrame(error: FrameError, id?: RequestId): ReplicaFrame {
  const base = {
    v: PROTOCOL_VERSION,
    kind: 'error',
    code: error.code,
    message: error.message,
  } as const;
  return id === undefined ? base : { ...base, id };
}

export function encodeClientFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}
export function encodeReplicaFrame(frame: ReplicaFrame): string {
  return JSON.stringify(frame);
}

/** A client frame rejected, with the request id it named when one could be read. */
export type ClientFrameRejection = { readonly error: FrameError; readonly id?: RequestId };

function versionProblem(frame: Json): FrameError | undefined {
  if (!isJsonObject(frame)) return undefined;
  const v = field(frame, 'v');
  if (v === PROTOCOL_VERSION) return undefined;
  return {
    code: 'bad-version',
    message: `frame version ${JSON.stringify(v)}, expected ${PROTOCOL_VERSION}`,
  };
}

/** The request id a malformed frame names, if any, so its error can be matched to the op. */
function salvageId(frame: Json): RequestId | undefined {
  if (!isJsonObject(frame)) return undefined;
  const request = field(frame, 'request');
  if (!isJsonObject(request)) return undefined;
  const id = field(request, 'id');
  return isRequestId(id) ? id : undefined;
}

/** What a replica received from a client → a frame, or the rejection to answer. Never throws. */
export function decodeClientFrame(
  data: string | Uint8Array,
  limits: FrameLimits = {},
): { ok: true; value: ClientFrame } | ({ ok: false } & ClientFrameRejection) {
  const parsed = parseFrame(data, limits);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const frame = parsed.value;
  const version = versionProblem(frame);
  const decoded: Decoded<ClientFrame> = version
    ? { ok: false, error: version }
    : decodeWith((): ClientFrame => {
        const kind = isJsonObject(frame) ? field(frame, 'kind') : undefined;
        if (kind === 'ping') {
          object(frame, 'frame', ['v', 'kind']);
          return pingFrame();
        }
        if (kind !== 'request') throw new ShapeError('frame.kind', '"request" or "ping"', kind);
        const o = object(frame, 'frame', ['v', 'kind', 'request']);
        return requestFrame(readClientRequest(field(o, 'request'), 'frame.request'));
      });
  if (decoded.ok) return decoded;
  const id = salvageId(frame);
  return id === undefined
    ? { ok: false, error: decoded.error }
    : { ok: false, error: decoded.error, id };
}

const isFrameErrorCode = (v: Json | undefined): v is FrameErrorCode =>
  typeof v === 'string' && (FRAME_ERROR_CODES as readonly string[]).includes(v);

function readRttReport(v: Json | undefined, path: string): RttReport {
  const o = object(v, path, ['node', 'at', 'peers']);
  const node = required(o, 'node', path, isNodeId, 'a node id');
  const at = required(o, 'at', path, isFiniteNumber, 'a time in ms');
  const peers = required(o, 'peers', path, isJsonObject, 'an object keyed by node id');
  for (const [peer, entry] of Object.entries(peers)) {
    const p = `${path}.peers.${peer}`;
    if (!isNodeId(peer)) throw new ShapeError(p, 'a node id as key', peer);
    const e = object(entry, p, ['sent', 'received', 'rtt']);
    required(e, 'sent', p, isCount, 'a count');
    required(e, 'received', p, isCount, 'a count');
    const rtt = field(e, 'rtt');
    if (rtt !== undefined) {
      const fields = ['samples', 'lastMs', 'minMs', 'maxMs', 'srttMs', 'rttvarMs', 'at'];
      const r = object(rtt, `${p}.rtt`, fields);
      for (const f of fields) required(r, f, `${p}.rtt`, isFiniteNumber, 'a number');
    }
  }
  return { node, at, peers: peers as RttReport['peers'] };
}

/** What a client received from a replica → a frame, or a rejection. Never throws. */
export function decodeReplicaFrame(
  data: string | Uint8Array,
  limits: FrameLimits = {},
): Decoded<ReplicaFrame> {
  const parsed = parseFrame(data, limits);
  if (!parsed.ok) return parsed;
  const frame = parsed.value;
  const version = versionProblem(frame);
  if (version) return rejected(version.code, version.message);
  return decodeWith((): ReplicaFrame => {
    const kind = isJsonObject(frame) ? field(frame, 'kind') : undefined;
    switch (kind) {
      case 'result': {
        const o = object(frame, 'frame', ['v', 'kind', 'result']);
        return resultFrame(readClientResult(field(o, 'result'), 'frame.result'));
      }
      case 'pong': {
        const o = object(frame, 'frame', ['v', 'kind', 'report']);
        return pongFrame(readRttReport(field(o, 'report'), 'frame.report'));
      }
      case 'error': {
        const o = object(frame, 'frame', ['v', 'kind', 'code', 'message', 'id']);
        const code = required(o, 'code', 'frame', isFrameErrorCode, 'a frame error code');
        const message = required(o, 'message', 'frame', isString, 'a message');
        const id = field(o, 'id');
        if (id !== undefined && !isRequestId(id))
          throw new ShapeError('frame.id', 'a request id', id);
        return errorFrame({ code, message }, id);
      }
      default:
        throw new ShapeError('frame.kind', '"result", "pong" or "error"', kind);
    }
  });
}
