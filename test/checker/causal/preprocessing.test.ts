import { checkCausal, collectCausalOps, registerSemantics } from '../../../src/checker/causal';
import type { HistoryOp } from '../../../src/workload/history';
import { cas, history, read, write } from '../linearizability/spans';
import { paperHistory } from './notation';

const REGISTER = registerSemantics('register');

describe('causal checker: what it reads from a history', () => {
  it('finds a read of a value nobody wrote (ThinAirRead)', () => {
    const result = checkCausal(paperHistory('W(x,1) | R(x,3)'));
    expect(result.models).toEqual({ CC: 'no', CCv: 'no', CM: 'no' });
    expect(result.violations[0].pattern).toBe('ThinAirRead');
    expect(result.violations[0].ops[0]).toMatchObject({ role: 'r', process: 1, invokeLine: 3 });
  });

  it('finds a session that reads its own future write (CyclicCO)', () => {
    const result = checkCausal(paperHistory('R(x,1) W(x,1)'));
    expect(result.counts).toEqual({ CyclicCO: 1 });
    expect(result.violations[0].cycle?.map((s) => s.edge)).toEqual(['po', 'wr']);
  });

  it('reads a successful cas as R(x,a) then W(x,b), and drops a failed one', () => {
    const h = history(
      write(0, 1, 0, 1),
      cas(1, 1, 2, 2, 3),
      { ...cas(1, 7, 8, 4, 5), type: 'fail', error: 'cas-mismatch' },
      read(2, 2, 6, 7),
      read(2, 1, 8, 9),
    );
    const collected = collectCausalOps(h, REGISTER);
    expect(collected.ops.map((o) => `${o.kind} ${String(o.value)}`)).toEqual([
      'write 1',
      'read 1',
      'write 2',
      'read 2',
      'read 1',
    ]);
    // Process 2 read 2, which was written after 1 was read: reading 1 again goes back.
    expect(checkCausal(h).counts).toMatchObject({ WriteCORead: 1 });
  });

  it('keeps a crashed write as the last op of its session, and starts a new one after it', () => {
    const h = history(
      { ...write(0, 1, 0, 5), type: 'info' },
      read(0, null, 6, 7),
      write(1, 2, 8, null),
    );
    const collected = collectCausalOps(h, REGISTER);
    expect(collected.sessions.map((s) => [s.process, s.epoch, s.ops.length])).toEqual([
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(collected.ops[0].ret).toBe(Infinity);
    // Without the new session the ⊥ read would be PO-after the write (WriteCOInitRead).
    expect(checkCausal(h).verdict).toBe('causal');
  });

  it('drops failed ops and reads without a result', () => {
    const h = history(
      { ...write(0, 1, 0, 1), type: 'fail' },
      { ...read(1, null, 2, 3), type: 'fail' },
      { ...read(1, 1, 4, 5), type: 'info' },
    );
    expect(collectCausalOps(h, REGISTER).ops).toEqual([]);
  });

  it('is not applicable when a value is written twice, or the initial value is written', () => {
    const twice = checkCausal(paperHistory('W(x,1) | W(x,1)'));
    expect(twice.verdict).toBe('not-applicable');
    expect(twice.reason).toMatch(/writes 1 again \(first on line 1\)/);
    const initial = checkCausal(history(write(0, 0, 0, 1)), { model: 'cas-register' });
    expect(initial.reason).toMatch(/writes the initial value 0/);
  });

  it('is not applicable to ops that are not a register’s', () => {
    const h: HistoryOp[] = [
      { process: 0, type: 'invoke', f: 'add', value: 1, time: 0 },
      { process: 0, type: 'ok', f: 'add', value: 1, time: 1 },
    ];
    expect(checkCausal(h).reason).toMatch(/line 1: add is not a register operation/);
  });

  it('reads get/put with the kv model, initially the empty string', () => {
    const h: HistoryOp[] = [
      { process: 0, type: 'invoke', f: 'put', key: 'k', value: 'a', time: 0 },
      { process: 0, type: 'ok', f: 'put', key: 'k', value: 'a', time: 1 },
      { process: 0, type: 'invoke', f: 'get', key: 'k', value: null, time: 2 },
      { process: 0, type: 'ok', f: 'get', key: 'k', value: '', time: 3 },
    ];
    expect(checkCausal(h, { model: 'kv' }).counts).toMatchObject({ WriteCOInitRead: 1 });
  });
});
