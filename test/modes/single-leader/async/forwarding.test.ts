import { asNodeId, type RequestId } from '../../../../src/core/ids';
import { fail, type ClientRequest } from '../../../../src/core/messages/client';
import type { AsyncConfig } from '../../../../src/modes/single-leader/async/config';
import { PrimaryBackup } from '../../../../src/modes/single-leader/async/primary-backup';
import { FakeEnv } from '../../../core/fake-env';

// A backup relays its clients' requests to the primary. A refusal is `fail` only when the
// request went out once: after a retry, an earlier attempt may be in some primary's log.
const config: AsyncConfig = {
  members: ['p', 'b'].map((id) => ({ id: asNodeId(id), region: 'r' })),
  initialPrimary: asNodeId('p'),
  learners: [],
  semiSync: false,
  fencing: false,
  reads: 'leader',
  heartbeatIntervalMs: 100,
  failoverTimeoutMs: 1000,
  forwardTimeoutMs: 2000,
};

const request = (n: number): ClientRequest => ({
  id: `x:${n}` as RequestId,
  client: 'x' as ClientRequest['client'],
  region: 'r' as ClientRequest['region'],
  op: { f: 'write', key: 'k', value: n },
});

function backup(): { env: FakeEnv; replica: PrimaryBackup } {
  const env = new FakeEnv('b');
  const replica = new PrimaryBackup(env, config);
  replica.onStart();
  env.drain();
  return { env, replica };
}

describe('async forwarding', () => {
  it('relays a refusal of a request sent once as fail, of a retried one as info', () => {
    const { env, replica } = backup();
    const once = request(1);
    const twice = request(2);
    replica.onClient(once);
    replica.onClient(twice);
    replica.onClient(twice);
    expect(env.drain().map((s) => [s.to, s.msg.type])).toEqual([
      ['p', 'forward'],
      ['p', 'forward'],
      ['p', 'forward'],
    ]);
    const refuse = (id: RequestId) => fail(id, 'not-leader', 'p is a backup: no primary known');
    replica.onMessage(asNodeId('p'), { type: 'forward.result', body: { ...refuse(once.id) } });
    replica.onMessage(asNodeId('p'), { type: 'forward.result', body: { ...refuse(twice.id) } });
    replica.onMessage(asNodeId('p'), { type: 'forward.result', body: { ...refuse(twice.id) } });
    expect(
      env.replies.map((r) => [r.req, r.res.type, r.res.type === 'ok' ? null : r.res.error]),
    ).toEqual([
      ['x:1', 'fail', 'not-leader'],
      ['x:2', 'info', 'indeterminate'],
    ]);
  });

  it('answers info when the primary does not answer in time', () => {
    const { env, replica } = backup();
    replica.onClient(request(3));
    env.time = 2000;
    for (const tag of env.due()) replica.onTimer(tag);
    expect(env.replies).toEqual([
      {
        req: 'x:3',
        res: { type: 'info', id: 'x:3', error: 'timeout', detail: 'no answer from the primary' },
      },
    ]);
  });
});
