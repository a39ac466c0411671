import { asNodeId } from '../../../src/core/ids';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelope,
  PROTOCOL_VERSION,
} from '../../../src/core/messages/envelope';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(asNodeId);

describe('peer envelope', () => {
  it('round-trips through a text frame', () => {
    const e = envelope(n1, n2, { type: 'append', body: { term: 3, entries: [{ k: 'x' }] } });
    const frame = encodeEnvelope(e);
    expect(frame).toBe(
      '{"v":1,"from":"n1","to":"n2","type":"append","body":{"term":3,"entries":[{"k":"x"}]}}',
    );
    expect(decodeEnvelope(frame)).toEqual({ ok: true, value: e });
    expect(decodeEnvelope(Buffer.from(frame), { self: n2, peers: new Set([n1, n3]) })).toEqual({
      ok: true,
      value: e,
    });
  });

  it('rejects other versions before reading anything else', () => {
    const frame = JSON.stringify({ v: 2, from: 'n1', to: 'n2', type: 'x', body: null, extra: 1 });
    expect(decodeEnvelope(frame)).toMatchObject({ ok: false, error: { code: 'bad-version' } });
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it.each([
    ['not an object', '[1]', 'envelope: expected an object'],
    ['a missing body', '{"v":1,"from":"n1","to":"n2","type":"x"}', 'envelope.body'],
    ['a bad node id', '{"v":1,"from":"-n1","to":"n2","type":"x","body":1}', 'envelope.from'],
    ['a bad type', '{"v":1,"from":"n1","to":"n2","type":"Vote!","body":1}', 'envelope.type'],
    ['an unknown field', '{"v":1,"from":"n1","to":"n2","type":"x","body":1,"t":0}', 'envelope.t'],
  ])('rejects %s with a bad-shape reason naming the field', (_, frame, where) => {
    const r = decodeEnvelope(frame);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad-shape');
      expect(r.error.message).toContain(where);
    }
  });

  it('rejects frames for another node or from a non-member', () => {
    const frame = encodeEnvelope(envelope(n1, n2, { type: 'x', body: null }));
    expect(decodeEnvelope(frame, { self: n3 })).toMatchObject({ error: { code: 'misaddressed' } });
    expect(decodeEnvelope(frame, { peers: new Set([n3]) })).toMatchObject({
      error: { code: 'unknown-peer' },
    });
  });
});
