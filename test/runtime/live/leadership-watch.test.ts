import { LeadershipWatch } from '../../../src/runtime/live/leadership-watch';

// What the replicas report (role and leader events), replayed on a fake clock.
function watchOf(nodes: string[]) {
  let now = 0;
  const watch = new LeadershipWatch(nodes, () => now);
  const at = (t: number, node: string, event: unknown) => {
    now = t;
    watch.record(node, event);
  };
  return { watch, at };
}

const leader = (id: string | null, term: number) => ({ kind: 'leader', leader: id, term });
const role = (r: string, term: number) => ({ kind: 'role', role: r, term });

describe('LeadershipWatch', () => {
  it('keeps each node’s role, term and leader, and ignores other events and strangers', () => {
    const { watch, at } = watchOf(['a', 'b']);
    at(1, 'a', role('leader', 2));
    at(1, 'a', leader('a', 2));
    at(2, 'b', leader('a', 2));
    at(3, 'b', { kind: 'commit', count: 1 });
    at(3, 'b', { kind: 'role', role: 'emperor', term: 9 });
    at(3, 'c', leader('c', 9));
    at(3, 'b', 'nonsense');
    expect(watch.view('a')).toEqual({ role: 'leader', term: 2, leader: 'a' });
    expect(watch.view('b')).toEqual({ role: undefined, term: 2, leader: 'a' });
    expect(watch.events).toHaveLength(3);
    expect(watch.agreedLeader()).toBe('a');
    expect(watch.describe()).toBe('a=leader@2→a b=?@2→a');
  });

  it('has no agreed leader while anyone names another or none', () => {
    const { watch, at } = watchOf(['a', 'b', 'c']);
    at(1, 'a', leader('a', 1));
    at(1, 'b', leader('a', 1));
    expect(watch.agreedLeader()).toBeUndefined();
    expect(watch.agreedLeader(['a', 'b'])).toBe('a');
    at(2, 'c', leader('b', 2));
    expect(watch.agreedLeader()).toBeUndefined();
  });

  it('finds when a majority first named a new leader, excluding a dead one', () => {
    const { watch, at } = watchOf(['a', 'b', 'c', 'd', 'e']);
    for (const n of ['a', 'b', 'c', 'd', 'e']) at(1, n, leader('a', 1));
    // a dies at 10; its stale view must not count.
    at(20, 'b', role('candidate', 2));
    at(21, 'b', role('leader', 2));
    at(21, 'b', leader('b', 2));
    at(25, 'c', leader('b', 2));
    at(30, 'd', leader('b', 2));
    at(40, 'e', leader('b', 2));
    const query = { count: 3, since: 10, aboveTerm: 1, exclude: ['a'] };
    expect(watch.agreement(query)).toEqual({ leader: 'b', term: 2, at: 30, count: 3 });
    expect(watch.agreement({ ...query, count: 4 })).toEqual({
      leader: 'b',
      term: 2,
      at: 40,
      count: 4,
    });
    expect(watch.agreement({ ...query, count: 5 })).toBeUndefined();
    // Agreement that held before `since` is reported at `since`.
    expect(watch.agreement({ count: 5, since: 5 })).toEqual({
      leader: 'a',
      term: 1,
      at: 5,
      count: 5,
    });
    // A leader of the old term does not count as new.
    expect(watch.agreement({ count: 3, since: 5, aboveTerm: 2 })).toBeUndefined();
  });

  it('replays one node’s views over time', () => {
    const { watch, at } = watchOf(['a', 'b']);
    at(1, 'a', role('leader', 1));
    at(1, 'a', leader('a', 1));
    at(5, 'b', leader('a', 1));
    at(9, 'a', role('follower', 1));
    at(9, 'a', leader(null, 1));
    at(12, 'a', role('follower', 3));
    at(12, 'a', leader('b', 3));
    expect(watch.timeline('a').map((x) => [x.at, x.view.role, x.view.term, x.view.leader])).toEqual(
      [
        [1, 'leader', 1, null],
        [1, 'leader', 1, 'a'],
        [9, 'follower', 1, 'a'],
        [9, 'follower', 1, null],
        [12, 'follower', 3, null],
        [12, 'follower', 3, 'b'],
      ],
    );
  });

  it('waits for a probe, and says who followed whom when it gives up', async () => {
    const watch = new LeadershipWatch(['a']);
    setTimeout(() => watch.record('a', leader('a', 1)), 20);
    await expect(watch.waitFor(() => watch.agreedLeader(), 2000, 'a leader')).resolves.toBe('a');
    await expect(watch.waitFor(() => undefined, 30, 'never')).rejects.toThrow(
      'never: not within 30 ms; views: a=?@1→a',
    );
  });
});
