import { checkCausal } from '../../../src/checker/causal';
import { checkSessions } from '../../../src/checker/session';
import { simulateRegister } from '../linearizability/simulate';

describe('causal and session checkers on simulated atomic registers', () => {
  // Linearizable histories with unique values are causal in every sense.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('accepts linearizable history %i', (seed) => {
    const { history } = simulateRegister(seed, 5, 40);
    expect(checkCausal(history)).toMatchObject({
      verdict: 'causal',
      models: { CC: 'yes', CCv: 'yes', CM: 'yes' },
    });
    expect(checkSessions(history).verdict).toBe('ok');
  });

  it('rejects one where a process reads the initial value after reading a write', () => {
    const { history } = simulateRegister(11, 4, 30);
    const i = history.findIndex((op) => op.type === 'ok' && op.f === 'read' && op.value !== null);
    const process = history[i].process;
    const j = history.findIndex(
      (op, k) => k > i && op.process === process && op.type === 'ok' && op.f === 'read',
    );
    const mutated = history.map((op, k) => (k === j ? { ...op, value: null } : op));
    const result = checkSessions(mutated);
    expect(result.verdict).toBe('violation');
    let invoke = j - 1;
    while (history[invoke].process !== process) invoke--;
    // The witness names the mutated read: by its invocation's position and its value.
    expect(result.violations[0].read).toMatchObject({ index: invoke, op: 'read() → ⊥' });
  });
});
