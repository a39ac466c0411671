import { asNodeId, parseRequestId } from '../../../src/core/ids';
import { fail, ok, type ClientRequest } from '../../../src/core/messages/client';
import {
  decodeClientFrame,
  decodeReplicaFrame,
  encodeClientFrame,
  encodeReplicaFrame,
  errorFrame,
  pingFrame,
  pongFrame,
  requestFrame,
  resultFrame,
} from '../../../src/core/messages/client-frame';
import { observeRtt } from '../../../src/core/rtt/rtt-stats';

const id = parseRequestId('c7:42');
const request = {
  id,
  client: 'c7',
  region: 'us-east',
  op: { f: 'write', key: 'x', value: 5 },
} as ClientRequest;

describe('client frames', () => {
  it('round-trip requests and pings', () => {
    for (const frame of [requestFrame(request), pingFrame()]) {
      expect(decodeClientFrame(encodeClientFrame(frame))).toEqual({ ok: true, value: frame });
    }
  });

  it('name the request id of a malformed request, so the client can fail that op', () => {
    const bad = JSON.stringify({ v: 1, kind: 'request', request: { ...request, op: { f: 'x' } } });
    const r = decodeClientFrame(bad);
    expect(r).toMatchObject({ ok: false, id: 'c7:42', error: { code: 'bad-shape' } });
    expect(decodeClientFrame('{"v":1,"kind":"request"}')).toEqual({
      ok: false,
      error: { code: 'bad-shape', message: 'frame.request: expected an object, got nothing' },
    });
    expect(decodeClientFrame('{"v":1,"kind":"ping","x":1}')).toMatchObject({ ok: false });
    expect(decodeClientFrame('{"v":0,"kind":"ping"}')).toMatchObject({
      error: { code: 'bad-version' },
    });
    expect(decodeClientFrame('"ping"')).toMatchObject({ error: { code: 'bad-shape' } });
  });
});

describe('replica frames', () => {
  it('round-trip results, pongs and errors', () => {
    const report = {
      node: asNodeId('n1'),
      at: 5,
      peers: {
        [asNodeId('n2')]: { sent: 2, received: 1, rtt: observeRtt(undefined, 80, 4) },
        [asNodeId('n3')]: { sent: 2, received: 0 },
      },
    };
    for (const frame of [
      resultFrame(ok(id, 5)),
      resultFrame(fail(id, 'timeout', 'no quorum')),
      pongFrame(report),
      errorFrame({ code: 'too-large', message: 'frame exceeds 1048576 bytes' }),
      errorFrame({ code: 'bad-shape', message: 'm' }, id),
    ]) {
      expect(decodeReplicaFrame(encodeReplicaFrame(frame))).toEqual({ ok: true, value: frame });
    }
  });

  it('refuse malformed ones', () => {
    for (const bad of [
      { v: 1, kind: 'result', result: { type: 'ok', id: 'c7:42' } },
      {
        v: 1,
        kind: 'pong',
        report: { node: 'n1', at: 1, peers: { '-x': { sent: 0, received: 0 } } },
      },
      {
        v: 1,
        kind: 'pong',
        report: { node: 'n1', at: 1, peers: { n2: { sent: 0, received: 0, rtt: {} } } },
      },
      { v: 1, kind: 'error', code: 'nope', message: 'm' },
      { v: 1, kind: 'error', code: 'bad-shape', message: 'm', id: 7 },
      { v: 1, kind: 'request' },
    ]) {
      expect(decodeReplicaFrame(JSON.stringify(bad)).ok).toBe(false);
    }
  });
});
