import type { VersionVector } from '../../../src/core/clocks';
import { asNodeId, type RequestId } from '../../../src/core/ids';
import type { Json } from '../../../src/core/json';
import { ShapeError } from '../../../src/core/messages/shape';
import { Leaderless } from '../../../src/modes/leaderless/leaderless';
import {
  decodeMessage,
  encodeMessage,
  type LeaderlessMessage,
} from '../../../src/modes/leaderless/messages';
import { FakeEnv } from '../../core/fake-env';
import { smallConfig } from './support';

const A = asNodeId('a1');

const good: LeaderlessMessage[] = [
  { type: 'write', op: 'x.1', key: 'k', cell: { v: 1, ts: [1, 0, A] } },
  { type: 'write', op: 'x.1', key: 'k', cell: { v: 1, ts: [1, 0, A] }, for: asNodeId('b1') },
  { type: 'write-ack', op: 'x.1' },
  { type: 'read', op: 'x.2', key: 'k' },
  { type: 'read-reply', op: 'x.2', cell: null },
  { type: 'heartbeat' },
  { type: 'tree', op: 'x.3', depth: 1, hashes: [1, 2, 3] },
  { type: 'tree-diff', op: 'x.3', leaves: [0], cells: [['k', { v: 2, ts: [2, 0, A] }]] },
  { type: 'cells', cells: [] },
  { type: 'prepare', op: 'x.4', key: 'k', ballot: [9, 0, A] },
  {
    type: 'promise',
    op: 'x.4',
    ok: true,
    promised: [9, 0, A],
    accepted: { ballot: [8, 0, A], cell: { v: 3, ts: [8, 1, A] } },
    committed: null,
    cell: null,
  },
  { type: 'propose', op: 'x.4', key: 'k', ballot: [9, 0, A], cell: { v: 4, ts: [9, 1, A] } },
  { type: 'propose-reply', op: 'x.4', ok: false, promised: [10, 0, A] },
  { type: 'commit', op: 'x.4', key: 'k', ballot: [9, 0, A], cell: { v: 4, ts: [9, 1, A] } },
  { type: 'commit-ack', op: 'x.4' },
  {
    type: 'forward',
    op: 'x.5',
    request: {
      id: 'c:1' as RequestId,
      client: 'c' as never,
      region: 'a' as never,
      op: { f: 'write', key: 'k', value: 5 },
    },
    local: 'a',
    context: { a1: 2 } as VersionVector,
  },
  { type: 'forward-result', op: 'x.5', result: { type: 'ok', id: 'c:1' as RequestId, value: 5 } },
];

describe('leaderless messages', () => {
  it('round-trip through JSON', () => {
    for (const m of good) {
      const wire = JSON.parse(JSON.stringify(encodeMessage(m))) as { type: string; body: Json };
      expect(decodeMessage(wire)).toEqual(m);
    }
  });

  it('refuse every malformed body', () => {
    const bad: { type: string; body: Json }[] = [
      { type: 'leaderless.nope', body: {} },
      { type: 'raft.append', body: {} },
      { type: 'leaderless.write', body: { op: 'x', key: 'k' } },
      { type: 'leaderless.write', body: { op: 'x', key: '', cell: { v: 1, ts: [1, 0, 'a'] } } },
      { type: 'leaderless.write', body: { op: ' x', key: 'k', cell: { v: 1, ts: [1, 0, 'a'] } } },
      { type: 'leaderless.write-ack', body: { op: 'x', extra: true } },
      { type: 'leaderless.read', body: { op: 'x', key: 'k'.repeat(300) } },
      { type: 'leaderless.tree', body: { op: 'x', depth: 1, hashes: [1, 2] } },
      { type: 'leaderless.tree', body: { op: 'x', depth: 30, hashes: [] } },
      { type: 'leaderless.tree', body: { op: 'x', depth: 0, hashes: [-1] } },
      { type: 'leaderless.tree-diff', body: { op: 'x', leaves: [0.5], cells: [] } },
      { type: 'leaderless.cells', body: { cells: [['k']] } },
      { type: 'leaderless.prepare', body: { op: 'x', key: 'k', ballot: [1, 0] } },
      {
        type: 'leaderless.propose',
        body: { op: 'x', key: 'k', ballot: [1, 0, 'a'], cell: { vv: {}, s: [] } },
      },
      {
        type: 'leaderless.promise',
        body: { op: 'x', ok: 'yes', promised: null, accepted: null, committed: null, cell: null },
      },
      { type: 'leaderless.forward', body: { op: 'x', request: {}, local: 'a', context: {} } },
      { type: 'leaderless.heartbeat', body: null },
    ];
    for (const m of bad) expect(() => decodeMessage(m)).toThrow(ShapeError);
  });

  it('are dropped with a warning by the replica when malformed, or of the other conflict kind', () => {
    const env = new FakeEnv('a1');
    const replica = new Leaderless(env, smallConfig({ conflicts: 'siblings' }));
    replica.onStart();
    replica.onMessage(asNodeId('b1'), { type: 'leaderless.write', body: { op: 'x' } });
    replica.onMessage(asNodeId('b1'), encodeMessage(good[0]));
    const warnings = env.events.filter((e) => e.kind === 'log' && e.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(env.sent).toEqual([]);
    expect(replica.cell('k')).toBeUndefined();
  });
});

describe('retried updates', () => {
  it('run once: a copy in flight is dropped, a copy of a finished one gets its answer', () => {
    const env = new FakeEnv('a1');
    const replica = new Leaderless(env, smallConfig());
    replica.onStart();
    const request = {
      id: 'c:1' as RequestId,
      client: 'c' as never,
      region: 'a' as never,
      op: { f: 'write' as const, key: 'k', value: 1 },
    };
    replica.onClient(request);
    const sent = env.drain();
    expect(sent).toHaveLength(3);
    replica.onClient(request);
    expect(env.drain()).toEqual([]);
    for (const { to, msg } of sent) {
      const op = (msg.body as { op: string }).op;
      replica.onMessage(to, encodeMessage({ type: 'write-ack', op }));
    }
    expect(env.replies).toEqual([{ req: 'c:1', res: { type: 'ok', id: 'c:1', value: 1 } }]);
    replica.onClient(request);
    expect(env.drain()).toEqual([]);
    expect(env.replies).toHaveLength(2);
    expect(env.replies[1]).toEqual(env.replies[0]);
  });
});
