/**
 * The streaming stale-read detector against checker/staleness (the definition it streams):
 * on simulated partition runs the same reads are stale, and on small histories each rule of
 * the definition holds, in memory bounded by maxValues.
 */
import { join } from 'node:path';
import { measureStaleness } from '../../src/checker/staleness/staleness';
import { runSimExperiment } from '../../src/experiment/sim-experiment';
import { loadScenarioFile } from '../../src/faults/load-scenario';
import { StaleReadDetector, type ReadVerdict } from '../../src/metrics/stale-reads';
import { loadTopologyFile } from '../../src/topology';
import type { HistoryOp, Value } from '../../src/workload/history';
import { ROOT } from './run';

/** The history index of each read's invocation the detector found stale. */
function detectStale(history: readonly HistoryOp[], detector = new StaleReadDetector()): number[] {
  const invokedAt = new Map<HistoryOp['process'], number>();
  const stale: number[] = [];
  history.forEach((event, i) => {
    if (event.type === 'invoke') invokedAt.set(event.process, i);
    const verdict = detector.observeEvent(event)?.verdict;
    if (verdict === 'stale') stale.push(invokedAt.get(event.process) ?? -1);
  });
  return stale.sort((a, b) => a - b);
}

function checkerStale(history: readonly HistoryOp[]): number[] {
  return measureStaleness(history)
    .reads.filter((r) => r.versionsBehind > 0)
    .map((r) => r.read.index)
    .sort((a, b) => a - b);
}

it.each([
  ['async-primary-backup.yaml', undefined],
  ['three-regions.yaml', 'multi-leader:lww'],
])(
  'finds the stale reads measureStaleness finds in a simulated %s %s partition run',
  (file, mode) => {
    const loaded = loadTopologyFile(
      join(ROOT, 'topologies', file),
      mode === undefined ? {} : { mode },
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const scenario = loadScenarioFile(
      join(ROOT, 'toxics', 'partition-one-region.yaml'),
      loaded.topology,
    );
    if (!scenario.ok) throw new Error(JSON.stringify(scenario.issues));
    const { history } = runSimExperiment(loaded.topology, {
      seed: 7,
      durationMs: 12_000,
      scenario: scenario.scenario,
    });
    const expected = checkerStale(history);
    // The run must be one where staleness shows, or agreeing proves little.
    expect(expected.length).toBeGreaterThan(50);
    expect(detectStale(history)).toEqual(expected);
  },
);

/** A history from [process, f, value, invokedAt, completedAt, outcome?] rows, in time order. */
function history(
  ops: readonly [number, string, Value, number, number, ('ok' | 'fail' | 'info')?, Value?][],
): HistoryOp[] {
  const events: HistoryOp[] = [];
  for (const [process, f, value, call, ret, type = 'ok', result] of ops) {
    const invokeValue = f === 'read' ? null : value;
    events.push({ process, type: 'invoke', f, key: 'x', value: invokeValue, time: call });
    events.push({ process, type, f, key: 'x', value: result ?? value, time: ret });
  }
  return events.sort((a, b) => a.time - b.time);
}

function verdicts(h: readonly HistoryOp[], detector = new StaleReadDetector()): ReadVerdict[] {
  return h.flatMap((e) => {
    const done = detector.observeEvent(e);
    return done !== undefined && done.op.f === 'read' ? [done.verdict] : [];
  });
}

describe('the definition, rule by rule (and as the checker sees it)', () => {
  const cases: [string, HistoryOp[], ReadVerdict[]][] = [
    [
      'a read of a value superseded before it began is stale',
      history([
        [1, 'write', 1, 0, 10],
        [1, 'write', 2, 20, 30],
        [2, 'read', 1, 40, 50],
      ]),
      ['stale'],
    ],
    [
      'a superseding write that completed after the read began does not count',
      history([
        [1, 'write', 1, 0, 10],
        [1, 'write', 2, 20, 45],
        [2, 'read', 1, 40, 50],
      ]),
      ['fresh'],
    ],
    [
      'a write concurrent with the one read (invoked before it completed) does not supersede it',
      history([
        [1, 'write', 1, 0, 10],
        [3, 'write', 2, 5, 15],
        [2, 'read', 1, 40, 50],
      ]),
      ['fresh'],
    ],
    [
      'the initial value is stale once any write was acknowledged before the read',
      history([
        [2, 'read', null, 0, 5],
        [1, 'write', 1, 1, 10],
        [2, 'read', null, 20, 25],
      ]),
      ['fresh', 'stale'],
    ],
    [
      'a value whose write is unknown (info) or not yet acknowledged is never stale',
      history([
        [1, 'write', 1, 0, 100, 'info'],
        [3, 'write', 3, 0, 90],
        [4, 'write', 4, 200, 210],
        [2, 'read', 3, 80, 85],
        [2, 'read', 1, 300, 310],
      ]),
      ['untraced', 'fresh'],
    ],
    [
      'a failed write supersedes nothing',
      history([
        [1, 'write', 1, 0, 10],
        [1, 'write', 2, 20, 30, 'fail'],
        [2, 'read', 1, 40, 50],
      ]),
      ['fresh'],
    ],
    [
      'a key whose values repeat is not judged',
      history([
        [1, 'write', 1, 0, 10],
        [1, 'write', 1, 20, 30],
        [2, 'read', 1, 40, 50],
      ]),
      ['skipped'],
    ],
  ];

  it.each(cases)('%s', (_name, h, expected) => {
    expect(verdicts(h)).toEqual(expected);
    const stale = expected.filter((v) => v === 'stale').length;
    const judged = measureStaleness(h);
    expect(judged.summary.stale).toBe(stale);
  });
});

it('stays within maxValues, forgetting the oldest values', () => {
  const ops: [number, string, Value, number, number][] = [];
  for (let i = 1; i <= 100; i++) ops.push([1, 'write', i, i * 10, i * 10 + 5]);
  ops.push([2, 'read', 100, 2000, 2005], [2, 'read', 1, 2010, 2015]);
  const detector = new StaleReadDetector({ maxValues: 10 });
  // Value 1 was forgotten: the detector cannot trace it and counts the read fresh.
  expect(verdicts(history(ops), detector)).toEqual(['fresh', 'untraced']);
  expect(detector.stats).toMatchObject({ tracked: 10, forgotten: 90 });
  expect(verdicts(history(ops), new StaleReadDetector())).toEqual(['fresh', 'stale']);
});

it('ignores the nemesis and pairs events per process', () => {
  const detector = new StaleReadDetector();
  expect(
    detector.observeEvent({ process: 'nemesis', type: 'info', f: 'start', value: null, time: 0 }),
  ).toBeUndefined();
  expect(
    detector.observeEvent({ process: 1, type: 'ok', f: 'read', value: 1, time: 1 }),
  ).toBeUndefined();
});
