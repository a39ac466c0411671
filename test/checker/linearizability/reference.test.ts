import { readFileSync } from 'node:fs';
import { checkHistoryText } from '../../../src/checker/linearizability';
import { referenceHistories } from './reference-histories';

// Every history of Knossos' and Porcupine's test data gets the verdict their own test suites
// assert. The slowest, Porcupine's etcd_002 and etcd_007, take about 0.1 s each here (bench:
// `npx tsx bench/checker.ts`); the generous time limit only guards against a regression
// turning into a hang, and would give `unknown`, which fails the test, never a wrong verdict.
const TIME_LIMIT_MS = 20_000;

describe('reference histories (Knossos, Porcupine)', () => {
  const histories = referenceHistories();

  it('finds all 112 of them', () => {
    expect(histories.length).toBe(112);
    expect(histories.filter((h) => h.expected === 'not-linearizable').length).toBe(47);
  });

  it.each(histories.map((h) => [h.name, h] as const))('%s', (_name, h) => {
    const result = checkHistoryText(readFileSync(h.path, 'utf8'), {
      model: h.model,
      timeLimitMs: TIME_LIMIT_MS,
    });
    expect(result.verdict).toBe(h.expected);
    if (h.expected === 'not-linearizable') {
      // Each bad one comes with a small witness naming the op that cannot be ordered.
      expect(result.witness).toBeDefined();
      expect(result.witness?.cannotLinearize.completedAt).not.toBeNull();
      expect(result.witness?.lastLinearized.length).toBeLessThanOrEqual(3);
      expect(result.witness?.concurrent.length).toBeLessThanOrEqual(6);
    } else {
      expect(result.witness).toBeUndefined();
    }
  });

  it('picks the model each format means when none is named', () => {
    const byName = new Map(histories.map((h) => [h.name, h]));
    for (const name of [
      'knossos/cas-register/bad/immediate-failure.edn',
      'porcupine/etcd/etcd_000.log',
      'porcupine/kv/c01-ok.txt',
    ]) {
      const h = byName.get(name);
      const result = checkHistoryText(readFileSync(h?.path ?? '', 'utf8'));
      expect([result.model, result.verdict]).toEqual([h?.model, h?.expected]);
    }
  });

  it('answers unknown, not a wrong verdict, when the budget runs out', () => {
    const hard = histories.find((h) => h.name === 'porcupine/etcd/etcd_002.log');
    const text = readFileSync(hard?.path ?? '', 'utf8');
    const result = checkHistoryText(text, { model: 'register', maxSteps: 10_000 });
    expect(result.verdict).toBe('unknown');
    expect(result.steps).toBeLessThanOrEqual(10_000);
  });
});
