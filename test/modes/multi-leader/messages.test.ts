import type { Json } from '../../../src/core/json';
import type { PeerMessage } from '../../../src/core/messages/envelope';
import type { ClientId, RegionId, RequestId } from '../../../src/core/ids';
import { asNodeId } from '../../../src/core/ids';
import { multiLeaderConfigOf } from '../../../src/modes/multi-leader/config';
import { MultiLeader } from '../../../src/modes/multi-leader/multi-leader';
import type { ResolverName } from '../../../src/modes/multi-leader/resolvers';
import { FakeEnv } from '../../core/fake-env';
import { threeRegions } from './support';

// Every peer body is validated: a malformed one is dropped with a warning, never a crash, and
// changes nothing. Includes payloads that pass the JSON checks but not the library.

function leader(resolver: ResolverName): { env: FakeEnv; replica: MultiLeader } {
  const config = multiLeaderConfigOf(threeRegions(resolver));
  const env = new FakeEnv('a-n1');
  const replica = new MultiLeader(env, config);
  replica.onStart();
  env.drain();
  return { env, replica };
}

const update = (payload: Json, extra: Record<string, Json> = {}): Json => ({
  origin: 'b-n1',
  seq: 1,
  at: 0,
  ops: 1,
  keys: ['k'],
  deps: {},
  payload,
  ...extra,
});
const updates = (...us: Json[]): PeerMessage => ({
  type: 'ml.updates',
  body: { sending: 'push', applied: { 'b-n1': 1 }, updates: us },
});

const MALFORMED: [string, PeerMessage][] = [
  ['an unknown type', { type: 'ml.gossip', body: {} }],
  ['another mode’s message', { type: 'raft.append', body: {} }],
  ['a body that is not an object', { type: 'ml.vector', body: [1, 2] }],
  ['an unknown field', { type: 'ml.vector', body: { applied: {}, extra: 1 } }],
  ['a bad version vector', { type: 'ml.vector', body: { applied: { 'b-n1': -1 }, want: true } }],
  ['a vector without want', { type: 'ml.vector', body: { applied: {} } }],
  ['a bad sending', { type: 'ml.updates', body: { sending: 'later', applied: {}, updates: [] } }],
  ['an origin that leads no region', updates(update([], { origin: 'b-n2' }))],
  ['sequence number 0', updates(update([], { seq: 0 }))],
  ['contexts that do not match the keys', updates(update([], { contexts: [{}, {}] }))],
  ['a payload that is not a payload', updates(update({ not: 'a payload' }))],
  ['a change that is not base64', updates(update([[0, '%%%']]))],
  ['a forward without a request', { type: 'ml.forward', body: { request: { id: 'x' } } }],
  ['a result that is not one', { type: 'ml.forward.result', body: { result: { type: 'maybe' } } }],
];

describe.each(['automerge', 'yjs', 'lww'] as const)(
  'malformed messages, resolver %s',
  (resolver) => {
    it.each(MALFORMED)('drops %s with a warning', (_what, msg) => {
      const { env, replica } = leader(resolver);
      const before = replica.stateHash();
      expect(() => replica.onMessage(asNodeId('b-n1'), msg)).not.toThrow();
      replica.onTimer('ml.batch');
      expect(env.events.some((e) => e.kind === 'log' && e.level === 'warn')).toBe(true);
      expect(replica.stateHash()).toBe(before);
      expect(replica.stats().applied).toEqual({});
    });

    it('ignores updates from a replica that does not feed it', () => {
      const { env, replica } = leader(resolver);
      replica.onMessage(asNodeId('a-n2'), updates(update([])));
      expect(env.events.some((e) => e.kind === 'log' && /does not feed/.test(e.message))).toBe(
        true,
      );
    });
  },
);

describe('payloads the library refuses', () => {
  it.each([
    ['yjs', [[0, 'AQIDBAUGBw==']]],
    ['automerge', [[0, Buffer.from([0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 5]).toString('base64')]]],
  ] as const)('%s: logs the refusal and keeps serving', (resolver, payload) => {
    const { env, replica } = leader(resolver);
    replica.onMessage(asNodeId('b-n1'), updates(update(payload as unknown as Json)));
    expect(() => replica.onTimer('ml.batch')).not.toThrow();
    expect(env.events.some((e) => e.kind === 'log' && /refused/.test(e.message))).toBe(true);
    replica.onClient({
      id: 'c:1' as RequestId,
      client: 'c' as ClientId,
      region: 'a' as RegionId,
      op: { f: 'write', key: 'k', value: 1 },
    });
    expect(env.replies.at(-1)?.res).toMatchObject({ type: 'ok' });
  });
});
