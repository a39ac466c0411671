import type { VersionVector } from '../../../src/core/clocks';
import { asNodeId, type NodeId } from '../../../src/core/ids';
import { ConflictReport } from '../../../src/modes/multi-leader/conflict-report';
import { ConflictDetector } from '../../../src/modes/multi-leader/replication/conflicts';
import type { Update } from '../../../src/modes/multi-leader/replication/update';
import type { Value } from '../../../src/modes/multi-leader/resolvers';
import { FakeEnv } from '../../core/fake-env';

const A = asNodeId('a-n1');
const B = asNodeId('b-n1');
const update = (origin: NodeId, seq: number, keys: string[]): Update => ({
  origin,
  seq,
  at: 0,
  ops: keys.length,
  keys,
  deps: {} as VersionVector,
  payload: null,
});

function report(name: string, values: Map<string, Value>, shown = 16) {
  const env = new FakeEnv('a-n1');
  const r = new ConflictReport(
    new ConflictDetector(false),
    env,
    () => ({ name, read: (k: string) => values.get(k) }),
    (n) => n.slice(0, 1),
    10,
    shown,
  );
  return { env, r };
}

describe('ConflictReport', () => {
  it('names the winner: merged, the arriving region, or the value kept', () => {
    const values = new Map<string, Value>([
      ['n', { kind: 'counter', value: 1 }],
      ['x', { kind: 'register', value: 'mine' }],
      ['y', { kind: 'register', value: 'mine' }],
    ]);
    const { env, r } = report('yjs', values);
    r.detect([update(A, 1, ['n', 'x', 'y'])]);
    const met = r.detect([update(B, 1, ['n', 'x', 'y'])]);
    expect(met.map((c) => c.key)).toEqual(['n', 'x', 'y']);
    const before = r.before(met);
    values.set('n', { kind: 'counter', value: 2 });
    values.set('x', { kind: 'register', value: 'theirs' });
    r.announce(met, before);
    expect(r.feed.list().map((c) => [c.key, c.winner, c.regions.join('+')])).toEqual([
      ['n', 'merged', 'b+a'],
      ['x', 'b', 'b+a'],
      ['y', 'kept', 'b+a'],
    ]);
    expect(env.events.filter((e) => e.kind === 'conflict')).toHaveLength(3);
  });

  it('counts and announces every conflict, showing values for the first few of a round', () => {
    const { env, r } = report('lww', new Map(), 1);
    r.detect([update(A, 1, ['p', 'q'])]);
    const met = r.detect([update(B, 1, ['p', 'q'])]);
    r.announce(met, r.before(met));
    expect(r.feed.total).toBe(2);
    expect(r.feed.list()).toHaveLength(1);
    const events = env.events.filter((e) => e.kind === 'conflict');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      key: 'q',
      siblings: 2,
      detail: 'b + a wrote q concurrently',
    });
  });
});
