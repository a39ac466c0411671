import { checkSessions, formatSessions } from '../../../src/checker/session';
import { paperHistory } from '../causal/notation';
import { history, read, write } from '../linearizability/spans';

describe('session guarantees on the cases of causal.md', () => {
  it.each([
    ['RYW', 'W(x,1) R(x,⊥)', 'read-your-writes'],
    ['MW', 'W(x,1) W(y,1) | R(y,1) R(x,⊥)', 'monotonic-writes'],
    ['WFR', 'W(x,1) | R(x,1) W(y,1) | R(y,1) R(x,⊥)', 'writes-follow-reads'],
    ['(e)', 'W(x,1) W(y,1) | R(y,1) W(x,2) | R(x,2) R(x,1)', 'monotonic-reads'],
  ])('%s %s breaks %s', (_id, notation, guarantee) => {
    const result = checkSessions(paperHistory(notation));
    expect(result.verdict).toBe('violation');
    expect(result.violations.map((v) => v.guarantee)).toEqual([guarantee]);
    expect(formatSessions(result)).toContain(`${guarantee} broken`);
  });

  it.each([
    ['(a)', 'W(x,1) R(x,2) | W(x,2) R(x,1)', ['convergence']],
    ['(b)', 'W(z,1) W(x,1) W(y,1) | W(x,2) R(z,⊥) R(y,1) R(x,2)', ['causal-memory']],
    ['(c)', 'W(x,1) | W(x,2) R(x,1) R(x,2)', ['convergence', 'causal-memory']],
  ])('%s %s breaks no session guarantee, yet is a %j violation', (_id, notation, kinds) => {
    const result = checkSessions(paperHistory(notation));
    expect(result.verdict).toBe('ok');
    expect(Object.values(result.guarantees ?? {})).toEqual([0, 0, 0, 0]);
    expect(result.beyond.map((b) => b.kind)).toEqual(kinds);
    expect(formatSessions(result)).toMatch(/no session guarantee broken, but not/);
  });

  it('accepts (d), which is causal though not sequentially consistent', () => {
    const result = checkSessions(
      paperHistory('W(x,1) R(y,⊥) W(y,1) R(x,1) | W(x,2) R(y,⊥) W(y,2) R(x,2)'),
    );
    expect(result).toMatchObject({ verdict: 'ok', beyond: [] });
  });

  it('names the missed write, the read, what it returned, and the path', () => {
    const result = checkSessions(paperHistory('W(x,1) W(y,1) | R(y,1) R(x,⊥)'));
    const v = result.violations[0];
    expect(v.session).toBe('1');
    expect(v.missed).toMatchObject({ op: 'write("x", 1)', process: 0, invokeLine: 1, index: 0 });
    expect(v.read).toMatchObject({ op: 'read("x") → ⊥', process: 1, invokeLine: 7 });
    expect(v.observed).toBeNull();
    expect(v.path.map((s) => s.edge)).toEqual(['po', 'wr', 'po', undefined]);
  });

  it('finds a stale own read among concurrent clients, with real times', () => {
    const h = history(
      { ...write(0, 1, 0, 10), key: 'k' },
      { ...write(1, 2, 12, 20), key: 'k' },
      { ...read(0, 2, 22, 30), key: 'k' },
      { ...write(0, 3, 31, 40), key: 'k' },
      { ...read(0, 2, 41, 50), key: 'k' },
    );
    const result = checkSessions(h);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatchObject({
      guarantee: 'read-your-writes',
      missed: { op: 'write("k", 3)', invokedAt: 31, completedAt: 40 },
      read: { op: 'read("k") → 2', invokedAt: 41, completedAt: 50 },
      observed: { op: 'write("k", 2)', process: 1 },
    });
  });

  it('is not applicable when values repeat', () => {
    expect(checkSessions(paperHistory('W(x,1) | W(x,1)')).verdict).toBe('not-applicable');
  });
});
