import type { Json } from '../../../../src/core/json';
import { asNodeId } from '../../../../src/core/ids';
import { ShapeError } from '../../../../src/core/messages/shape';
import { raftConfigOf } from '../../../../src/modes/single-leader/raft/config';
import {
  decodeRaftMessage,
  encodeRaftMessage,
  type RaftMessage,
} from '../../../../src/modes/single-leader/raft/messages';
import { Raft } from '../../../../src/modes/single-leader/raft/raft';
import { FakeEnv } from '../../../core/fake-env';
import { fiveRegions } from './support';

const request = {
  id: 'c1:1',
  client: 'c1',
  region: 'us-east-1',
  op: { f: 'write', key: 'x', value: 1 },
} as const;

const EXAMPLES: RaftMessage[] = [
  {
    type: 'append',
    term: 3,
    prevIndex: 7,
    prevTerm: 2,
    entries: [{ term: 3 }, { term: 3, request: request as never }],
    commit: 6,
    round: 4,
  },
  { type: 'append.resp', term: 3, index: 9, reject: false, hintIndex: 0, hintTerm: 0, round: 4 },
  { type: 'heartbeat', term: 3, commit: 6, round: 5 },
  { type: 'heartbeat.resp', term: 3, round: 5 },
  { type: 'vote', term: 4, lastIndex: 9, lastTerm: 3, pre: true, force: false },
  { type: 'vote.resp', term: 4, granted: true, pre: true },
  {
    type: 'snapshot',
    term: 3,
    index: 100,
    snapshotTerm: 2,
    state: {
      data: [['x', 1]],
      outcomes: [['c1:1' as never, { type: 'ok', id: 'c1:1' as never, value: 1 }]],
    },
    part: 1,
    parts: 2,
    round: 1,
  },
  { type: 'timeout-now', term: 3 },
  { type: 'forward', request: request as never },
  { type: 'forward.result', result: { type: 'fail', id: 'c1:1' as never, error: 'not-leader' } },
];

describe('raft messages', () => {
  it.each(EXAMPLES.map((m) => [m.type, m]))('%s survives encoding and decoding', (_, m) => {
    const wire = JSON.parse(JSON.stringify(encodeRaftMessage(m))) as { type: string; body: Json };
    expect(wire.type).toBe(`raft.${m.type}`);
    expect(decodeRaftMessage(wire)).toEqual(m);
  });

  it.each([
    [
      {
        type: 'raft.vote',
        body: { term: -1, lastIndex: 0, lastTerm: 0, pre: false, force: false },
      },
      /term/,
    ],
    [
      { type: 'raft.heartbeat', body: { term: 1, commit: 1, round: 1, extra: 1 } },
      /extra: expected no such field/,
    ],
    [
      {
        type: 'raft.append',
        body: { term: 1, prevIndex: 0, prevTerm: 0, entries: [{}], commit: 0, round: 0 },
      },
      /entries\[0\]\.term/,
    ],
    [{ type: 'raft.nonsense', body: {} }, /a raft message type/],
    [{ type: 'raft.forward', body: { request: { id: 'x' } } }, /request/],
  ])('refuses %j', (msg, why) => {
    expect(() => decodeRaftMessage(msg as { type: string; body: Json })).toThrow(ShapeError);
    expect(() => decodeRaftMessage(msg as { type: string; body: Json })).toThrow(why);
  });

  it('drops a malformed message with a warning and carries on', () => {
    const env = new FakeEnv('us-east-1-n1');
    const raft = new Raft(env, raftConfigOf(fiveRegions()));
    raft.onStart();
    const before = raft.status();
    raft.onMessage(asNodeId('us-west-2-n1'), { type: 'raft.append', body: { term: 'many' } });
    expect(env.events).toContainEqual(
      expect.objectContaining({
        kind: 'log',
        level: 'warn',
        message: expect.stringMatching(/malformed message from us-west-2-n1/),
      }),
    );
    expect(raft.status()).toEqual(before);
    expect(env.sent).toEqual([]);
  });
});
