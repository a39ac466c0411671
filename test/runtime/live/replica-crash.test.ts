import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/random';
import { planKills, replicaCrashRun } from '../../../src/runtime/live/replica-crash';
import { checkCrashRun } from '../../../src/runtime/live/replica-crash-check';
import type { HistoryOp } from '../../../src/workload/history';

// `kill -9` of Raft replicas under a list-append workload (the bench does a hundred runs):
// first the checking, on histories written by hand, so that a lost append is known to be
// caught; then three live runs with a fixed seed.

const op = (
  process: number | string,
  type: HistoryOp['type'],
  f: string,
  value: HistoryOp['value'],
  time: number,
  region = 'us-east-1',
): HistoryOp => ({ process, type, f, key: 'k0', value, time, region });

/** Two appends acknowledged, a third unknown (in flight at a kill), then a restart. */
const HISTORY: HistoryOp[] = [
  op(0, 'invoke', 'append', 1, 0),
  op(0, 'ok', 'append', 1, 10),
  op(1, 'invoke', 'append', 2, 11, 'eu-west-1'),
  op(1, 'ok', 'append', 2, 20, 'eu-west-1'),
  op(0, 'invoke', 'append', 3, 21),
  op('nemesis', 'info', 'kill', 'us-east-1-n1', 22),
  op(0, 'info', 'append', 3, 40),
  op('nemesis', 'info', 'restart', 'us-east-1-n1', 50),
];

function finalRead(process: number, region: string, value: HistoryOp['value']): HistoryOp[] {
  return [
    op(process, 'invoke', 'read', null, 60, region),
    op(process, 'ok', 'read', value, 70, region),
  ];
}

describe('the replica-crash check', () => {
  it('passes a history whose final reads hold every acknowledged append', () => {
    const reads = [...finalRead(2, 'us-east-1', [1, 2]), ...finalRead(3, 'eu-west-1', [1, 2, 3])];
    expect(checkCrashRun(HISTORY, reads)).toEqual({
      acknowledged: 2,
      lost: [],
      unread: [],
      linearizability: 'linearizable',
    });
  });

  it('flags an acknowledged append missing from one region, naming it', () => {
    const reads = [...finalRead(2, 'us-east-1', [1, 2]), ...finalRead(3, 'eu-west-1', [1])];
    const check = checkCrashRun(HISTORY, reads);
    expect(check.lost).toEqual([{ region: 'eu-west-1', key: 'k0', value: 2 }]);
    expect(check.linearizability).toBe('not-linearizable');
  });

  it('does not count an append of unknown outcome as lost', () => {
    const reads = [...finalRead(2, 'us-east-1', [1, 2]), ...finalRead(3, 'eu-west-1', [2, 1])];
    const check = checkCrashRun(HISTORY, reads);
    expect(check.lost).toEqual([]);
    // Both orders cannot be: the lists disagree, though nothing acknowledged is missing.
    expect(check.linearizability).toBe('not-linearizable');
  });

  it('says which keys a region never read, rather than passing them', () => {
    expect(checkCrashRun(HISTORY, finalRead(2, 'us-east-1', [1, 2])).unread).toEqual([]);
    const failed = [
      op(3, 'invoke', 'read', null, 60, 'eu-west-1'),
      op(3, 'fail', 'read', null, 70, 'eu-west-1'),
    ];
    expect(
      checkCrashRun(HISTORY, [...finalRead(2, 'us-east-1', [1, 2]), ...failed]).unread,
    ).toEqual(['eu-west-1 k0']);
    expect(checkCrashRun(HISTORY, []).unread).toEqual(['no final reads']);
  });
});

describe('kill plans', () => {
  it('are one to three kills inside the first 60% of the clients, the same for a seed', () => {
    const counts = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const plan = planKills(new Rng(`plan-${i}`), 4000);
      expect(planKills(new Rng(`plan-${i}`), 4000)).toEqual(plan);
      counts.add(plan.length);
      for (const k of plan) {
        expect(k.atMs).toBeGreaterThanOrEqual(300);
        expect(k.atMs).toBeLessThan(2400);
        expect(k.downMs).toBeLessThan(1500);
      }
      expect(plan.map((k) => k.atMs)).toEqual([...plan.map((k) => k.atMs)].sort((a, b) => a - b));
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
  });
});

describe('Raft replicas killed with SIGKILL', () => {
  // Made when the test runs, not when jest collects it: a run filtered by -t leaves nothing.
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'geolab-kill-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lose no acknowledged append, stay linearizable, and leave no process behind', async () => {
    const rng = new Rng('replica-crash');
    for (let i = 0; i < 3; i++) {
      const runDir = join(dir, `run-${i}`);
      mkdirSync(runDir);
      const run = await replicaCrashRun({
        dir: runDir,
        rng: rng.fork(`run-${i}`),
        durationMs: 3000,
      });
      expect(run.error).toBeUndefined();
      expect(run.kills.length).toBeGreaterThan(0);
      expect(run.acknowledged).toBeGreaterThan(0);
      expect(run).toMatchObject({
        lost: [],
        unread: [],
        linearizability: 'linearizable',
        leftover: [],
      });
    }
  }, 180_000);
});
