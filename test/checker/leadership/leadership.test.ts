import {
  checkLeadership,
  formatLeadership,
  formatTerms,
  type TimedEvent,
} from '../../../src/checker/leadership';
import type { ReplicaEvent } from '../../../src/core/events';
import { asNodeId } from '../../../src/core/ids';
import type { HistoryOp } from '../../../src/workload/history';

// Hand-built event lists: each case is the smallest story that shows one verdict.
const role = (
  node: string,
  at: number,
  r: 'primary' | 'backup' | 'leader' | 'follower',
  term: number,
): TimedEvent => ({
  node,
  at,
  event: { kind: 'role', role: r, term },
});
const follow = (node: string, at: number, leader: string | null, term?: number): TimedEvent => ({
  node,
  at,
  event: (leader === null
    ? { kind: 'leader', leader }
    : { kind: 'leader', leader, term }) as ReplicaEvent,
});
const commit = (node: string, at: number, count = 1): TimedEvent => ({
  node,
  at,
  event: { kind: 'commit', count },
});

/** p leads epoch 1 from 0; q and r follow it. */
const start: TimedEvent[] = [
  role('p', 0, 'primary', 1),
  follow('p', 0, 'p', 1),
  role('q', 0, 'backup', 1),
  follow('q', 0, 'p', 1),
  role('r', 0, 'backup', 1),
  follow('r', 0, 'p', 1),
];

describe('checkLeadership', () => {
  it('is ok with one primary at a time, commits and all', () => {
    const result = checkLeadership([
      ...start,
      commit('p', 10),
      commit('q', 11),
      role('p', 100, 'backup', 2),
      role('q', 150, 'primary', 2),
      follow('r', 160, 'q', 2),
      commit('q', 170),
      commit('r', 171),
    ]);
    expect(result.verdict).toBe('ok');
    expect(result.terms).toEqual([
      { node: 'p', epoch: 1, from: 0, to: 100 },
      { node: 'q', epoch: 2, from: 150, to: null },
    ]);
    expect(formatTerms(result.terms)).toEqual([
      'p (epoch 1) led 0ms–100ms (100ms)',
      'q (epoch 2) led 150ms–the end',
    ]);
  });

  it('ends a crashed primary’s term at its stop', () => {
    const events = [...start, role('q', 1500, 'primary', 2), role('p', 3000, 'backup', 1)];
    expect(checkLeadership(events).verdict).toBe('concurrent-primaries');
    expect(checkLeadership(events, { stops: [{ node: 'p', at: 1000 }] }).verdict).toBe('ok');
  });

  it('finds two primaries that did not both take writes', () => {
    const result = checkLeadership([
      ...start,
      commit('p', 50),
      role('q', 100, 'primary', 2),
      commit('q', 120),
      role('p', 300, 'backup', 2),
    ]);
    expect(result.verdict).toBe('concurrent-primaries');
    expect(result.concurrent).toEqual([
      {
        first: { node: 'p', epoch: 1, from: 0, to: 300 },
        second: { node: 'q', epoch: 2, from: 100, to: null },
        from: 100,
        to: 300,
      },
    ]);
    expect(result.splitBrain).toEqual([]);
    expect(formatLeadership(result)).toBe(
      [
        'leadership: two primaries at once, but not both taking writes: 2 primary term(s), 1 period(s) with two primaries, 0 with writes on both, 0 stale-epoch write(s) landed',
        '  two primaries 100ms–300ms (200ms): p (epoch 1) and q (epoch 2)',
      ].join('\n'),
    );
  });

  it('counts the writes both took, including one at the instant of stepping down', () => {
    const result = checkLeadership([
      ...start,
      role('q', 100, 'primary', 2),
      commit('p', 150, 3),
      commit('q', 160, 2),
      commit('r', 161, 2), // a backup's apply is not a primary's write
      commit('p', 300), // before it hears of epoch 2, in the same instant
      role('p', 300, 'backup', 2),
      commit('p', 300), // after: p applies q's entries as a backup
    ]);
    expect(result.verdict).toBe('split-brain-writes');
    expect(result.splitBrain.map((s) => s.sides)).toEqual([
      [
        { node: 'p', epoch: 1, writes: 4, firstAt: 150, lastAt: 300 },
        { node: 'q', epoch: 2, writes: 2, firstAt: 160, lastAt: 160 },
      ],
    ]);
  });

  it('gives example writes from each primary’s region', () => {
    const op = (
      process: number,
      type: HistoryOp['type'],
      time: number,
      region: string,
      value: number,
    ): HistoryOp => ({
      process,
      type,
      f: 'write',
      key: 'x',
      value,
      time,
      region,
    });
    const history = [
      op(0, 'invoke', 90, 'east', 1),
      op(0, 'ok', 95, 'east', 1), // before the overlap
      op(0, 'invoke', 140, 'east', 2),
      op(0, 'ok', 150, 'east', 2),
      op(1, 'invoke', 155, 'west', 3),
      op(1, 'ok', 160, 'west', 3),
    ];
    const result = checkLeadership(
      [
        ...start,
        role('q', 100, 'primary', 2),
        commit('p', 150),
        commit('q', 160),
        role('p', 300, 'backup', 2),
      ],
      {
        history,
        regions: new Map([
          ['p', 'east'],
          ['q', 'west'],
          ['r', 'west'],
        ]),
      },
    );
    expect(result.splitBrain[0].examples.map((e) => [e.op, e.invokedAt])).toEqual([
      ['write("x", 2)', 140],
      ['write("x", 3)', 155],
    ]);
    expect(formatLeadership(result).split('\n').slice(1)).toEqual([
      '  two primaries 100ms–300ms (200ms): p (epoch 1) and q (epoch 2), both took writes',
      '    p (epoch 1) applied 1 update(s), 150ms–150ms',
      '    q (epoch 2) applied 1 update(s), 160ms–160ms',
      expect.stringMatching(/^ {4}e\.g\. process 0: write\("x", 2\) +invoked 140, completed 150/),
      expect.stringMatching(/^ {4}e\.g\. process 1: write\("x", 3\) +invoked 155, completed 160/),
    ]);
  });

  it('finds stale-epoch writes that land on a replica after it accepted a newer epoch', () => {
    const result = checkLeadership([
      ...start,
      role('q', 100, 'primary', 2),
      follow('r', 120, 'q', 2),
      commit('r', 130, 5), // q's writes: fine
      follow('r', 200, 'p', 1), // no fencing: r takes the stale primary's replication
      commit('r', 210, 2),
      commit('r', 215, 1),
      follow('r', 250, 'q', 2),
      commit('r', 260, 9),
      role('p', 300, 'backup', 2),
    ]);
    expect(result.verdict).toBe('stale-writes-landed');
    expect(result.landed).toEqual([
      {
        node: 'r',
        leader: 'p',
        epoch: 1,
        newer: { leader: 'q', epoch: 2, at: 120 },
        writes: 3,
        from: 210,
        to: 215,
      },
    ]);
    expect(formatLeadership(result)).toContain(
      '  r applied 3 update(s) from p (epoch 1), 210ms–215ms (5ms), after accepting q (epoch 2) at 120ms',
    );
  });

  it('finds none when replicas refuse older epochs (fencing)', () => {
    const result = checkLeadership([
      ...start,
      role('q', 100, 'primary', 2),
      follow('r', 120, 'q', 2),
      commit('p', 150), // p still acknowledges locally: fencing cannot stop that
      commit('q', 160),
      commit('r', 161),
      role('p', 300, 'backup', 2),
      follow('p', 300, 'q', 2),
      commit('p', 310),
    ]);
    expect(result.landed).toEqual([]);
    expect(result.verdict).toBe('split-brain-writes');
  });

  it('does not count a node following nobody, or events without terms', () => {
    const result = checkLeadership([
      ...start,
      role('q', 100, 'primary', 2),
      follow('r', 120, 'q', 2),
      follow('r', 200, null),
      commit('r', 210),
      { node: 'r', at: 220, event: { kind: 'leader', leader: asNodeId('p') } },
      commit('r', 230),
    ]);
    expect(result.landed).toEqual([]);
  });

  it('reads Raft’s leader role the same way', () => {
    const result = checkLeadership([
      role('a', 0, 'leader', 1),
      role('b', 0, 'follower', 1),
      role('b', 50, 'leader', 2),
      role('a', 60, 'follower', 2),
    ]);
    expect(result.concurrent.map((c) => [c.from, c.to])).toEqual([[50, 60]]);
  });
});
