import type { Json } from '../../../../src/core/json';
import { asNodeId, type RequestId } from '../../../../src/core/ids';
import { PrimaryBackup } from '../../../../src/modes/single-leader/async/primary-backup';
import type { AsyncConfig } from '../../../../src/modes/single-leader/async/config';
import { FakeEnv } from '../../../core/fake-env';

// A peer's body is validated before use: a malformed one is logged and ignored, and the
// replica goes on as if it had never come.
const config: AsyncConfig = {
  members: ['p', 'b', 'c'].map((id) => ({ id: asNodeId(id), region: 'r' })),
  initialPrimary: asNodeId('p'),
  learners: [],
  semiSync: false,
  fencing: true,
  reads: 'leader',
  heartbeatIntervalMs: 100,
  failoverTimeoutMs: 1000,
};

function backup(): { env: FakeEnv; replica: PrimaryBackup } {
  const env = new FakeEnv('b');
  const replica = new PrimaryBackup(env, config);
  replica.onStart();
  env.drain();
  env.events.length = 0;
  return { env, replica };
}

const p = asNodeId('p');
const heartbeat = (epoch: number): Json => ({ epoch, prevIndex: 0, prevEpoch: 0, entries: [] });

describe('async peer messages', () => {
  it.each<[string, string, Json]>([
    ['a body that is not an object', 'append', 'hello'],
    ['a missing field', 'append', { epoch: 1, prevIndex: 0, entries: [] }],
    [
      'a field of the wrong type',
      'append',
      { epoch: '1', prevIndex: 0, prevEpoch: 0, entries: [] },
    ],
    ['an unknown field', 'append', { ...(heartbeat(1) as object), extra: true }],
    [
      'a bad entry',
      'append',
      {
        epoch: 1,
        prevIndex: 0,
        prevEpoch: 0,
        entries: [{ epoch: 1, id: 'x:1', op: { f: 'nope', key: 'k' } }],
      },
    ],
    ['a negative index', 'append.reply', { epoch: 1, ok: true, prev: -1, index: 0, fenced: false }],
    [
      'a chunk past the last',
      'snapshot',
      { epoch: 1, index: 1, indexEpoch: 1, part: 2, parts: 2, data: [], outcomes: [] },
    ],
    [
      'a bad outcome',
      'snapshot',
      {
        epoch: 1,
        index: 1,
        indexEpoch: 1,
        part: 0,
        parts: 1,
        data: [],
        outcomes: [['x:1', { type: 'maybe' }]],
      },
    ],
    [
      'a bad forwarded request',
      'forward',
      { id: 'x:1', client: 'x', region: 'r', op: { f: 'write', key: '' } },
    ],
    ['a query without a round', 'failover.query', { epoch: 1 }],
    [
      'epoch 0',
      'failover.position',
      { round: 1, epoch: 0, lastIndex: 0, lastEpoch: 0, primary: false },
    ],
  ])('ignores %s, with a warning', (_, type, body) => {
    const { env, replica } = backup();
    expect(() => replica.onMessage(p, { type, body })).not.toThrow();
    expect(env.drain()).toEqual([]);
    expect(env.replies).toEqual([]);
    expect(env.events).toEqual([
      expect.objectContaining({
        kind: 'log',
        level: 'warn',
        message: expect.stringContaining(`malformed ${type}`),
      }),
    ]);
    // And it still takes the next good message.
    replica.onMessage(p, { type: 'append', body: heartbeat(1) });
    expect(env.drain()).toEqual([
      {
        to: p,
        msg: {
          type: 'append.reply',
          body: { epoch: 1, ok: true, prev: 0, index: 0, fenced: false },
        },
      },
    ]);
  });

  it('ignores replication claiming an epoch its sender does not own', () => {
    const { env, replica } = backup();
    // Epoch 2 is b's own (epochs are dealt p, b, c, p, …): p cannot send in it.
    replica.onMessage(p, { type: 'append', body: heartbeat(2) });
    expect(env.drain()).toEqual([]);
    expect(env.events).toEqual([expect.objectContaining({ kind: 'log', level: 'warn' })]);
  });

  it('ignores messages of types it does not speak, and from non-members', () => {
    const { env, replica } = backup();
    replica.onMessage(p, { type: 'vote.request', body: { term: 9 } });
    replica.onMessage(asNodeId('stranger'), { type: 'append', body: heartbeat(1) });
    expect(env.drain()).toEqual([]);
    expect(env.events).toEqual([]);
  });

  it('answers a forwarded request it cannot serve with fail, and its own clients too', () => {
    const env = new FakeEnv('b');
    const replica = new PrimaryBackup(env, config);
    env.storage.put('epoch', 2); // b led epoch 2 before a restart: it knows no primary now
    replica.onStart();
    const req = {
      id: 'x:1' as RequestId,
      client: 'x',
      region: 'r',
      op: { f: 'write', key: 'k', value: 1 },
    };
    replica.onMessage(asNodeId('c'), { type: 'forward', body: req });
    expect(env.drain()).toEqual([
      {
        to: 'c',
        msg: {
          type: 'forward.result',
          body: {
            type: 'fail',
            id: 'x:1',
            error: 'not-leader',
            detail: 'b is a backup: no primary known',
          },
        },
      },
    ]);
  });
});
