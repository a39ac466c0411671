import type { Json } from '../../../src/core/json';
import {
  fail,
  info,
  isUpdate,
  ok,
  readClientRequest,
  readClientResult,
  readOp,
} from '../../../src/core/messages/client';
import { decodeWith } from '../../../src/core/messages/shape';
import { parseRequestId } from '../../../src/core/ids';

const id = parseRequestId('c1:1');
const request = (op: Json, extra: Record<string, Json> = {}): Json => ({
  id: 'c1:1',
  client: 'c1',
  region: 'eu-west',
  op,
  ...extra,
});

describe('client requests', () => {
  it('reads every op function', () => {
    const ops: Json[] = [
      { f: 'read', key: 'k' },
      { f: 'write', key: 'k', value: 3 },
      { f: 'cas', key: 'k', value: [3, 4] },
      { f: 'increment', key: 'k', value: -2 },
      { f: 'append', key: 'k', value: { x: 1 } },
      { f: 'text', key: 'doc', value: { index: 0, delete: 1, insert: 'hi' } },
    ];
    for (const op of ops) expect(readOp(op, 'op')).toEqual(op);
    expect(isUpdate(readOp(ops[0], 'op'))).toBe(false);
    expect(isUpdate(readOp(ops[1], 'op'))).toBe(true);
  });

  it('reads a request with and without a level', () => {
    const r = readClientRequest(request({ f: 'read', key: 'k' }, { level: 'LOCAL_QUORUM' }));
    expect(r).toEqual({
      id: 'c1:1',
      client: 'c1',
      region: 'eu-west',
      op: { f: 'read', key: 'k' },
      level: 'LOCAL_QUORUM',
    });
    expect(readClientRequest(request({ f: 'read', key: 'k' }))).not.toHaveProperty('level');
  });

  it.each([
    ['an unknown function', request({ f: 'delete', key: 'k' }), 'request.op.f'],
    ['an empty key', request({ f: 'read', key: '' }), 'request.op.key'],
    ['a long key', request({ f: 'read', key: 'k'.repeat(257) }), 'request.op.key'],
    ['a read with a value', request({ f: 'read', key: 'k', value: 1 }), 'request.op.value'],
    ['a write without value', request({ f: 'write', key: 'k' }), 'request.op.value'],
    ['a cas with one value', request({ f: 'cas', key: 'k', value: [1] }), 'request.op.value'],
    ['a string increment', request({ f: 'increment', key: 'k', value: '1' }), 'request.op.value'],
    ['a bad text edit', request({ f: 'text', key: 'k', value: { index: -1 } }), 'index'],
    ['a bad level', request({ f: 'read', key: 'k' }, { level: 'ONE; DROP' }), 'request.level'],
    ['a bad region', { ...(request({ f: 'read', key: 'k' }) as object), region: '' }, 'region'],
    ['an extra field', request({ f: 'read', key: 'k' }, { retry: true }), 'request.retry'],
  ])('rejects %s, naming the field', (_, value, where) => {
    const r = decodeWith(() => readClientRequest(value as Json));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(where);
  });
});

describe('client results', () => {
  it('builds and reads back ok, fail and info', () => {
    for (const result of [
      ok(id, null),
      ok(id, [1, 2]),
      fail(id, 'cas-mismatch'),
      fail(id, 'not-leader', 'ask n3'),
      info(id, 'timeout'),
    ]) {
      expect(readClientResult(JSON.parse(JSON.stringify(result)) as Json)).toEqual(result);
    }
    expect(fail(id, 'unavailable')).not.toHaveProperty('detail');
  });

  it('refuses results that mix the variants or use unknown codes', () => {
    for (const bad of [
      { type: 'ok', id: 'c1:1' },
      { type: 'ok', id: 'c1:1', value: 1, error: 'timeout' },
      { type: 'fail', id: 'c1:1', error: 'oops' },
      { type: 'info', id: 'c1:1', error: 'timeout', value: 1 },
      { type: 'maybe', id: 'c1:1' },
    ]) {
      expect(decodeWith(() => readClientResult(bad as Json)).ok).toBe(false);
    }
  });
});
