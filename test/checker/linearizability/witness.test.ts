import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CAS_REGISTER,
  checkHistoryText,
  checkLinearizability,
  formatWitness,
  REGISTER,
} from '../../../src/checker/linearizability';
import { REFERENCE_DIR } from './reference-histories';
import { cas, history, read, write } from './spans';

describe('witness', () => {
  it('names the stale read, the state it contradicts and the write that set it', () => {
    const h = history(write(0, 1, 0, 10), write(0, 2, 20, 30), read(1, 1, 40, 50));
    const { witness } = checkLinearizability(h, REGISTER);
    expect(witness).toEqual({
      key: undefined,
      model: 'register',
      linearized: 2,
      lastLinearized: [
        {
          process: 0,
          op: 'write(1)',
          invokedAt: 0,
          completedAt: 10,
          invokeLine: 1,
          completeLine: 2,
        },
        {
          process: 0,
          op: 'write(2)',
          invokedAt: 20,
          completedAt: 30,
          invokeLine: 3,
          completeLine: 4,
        },
      ],
      state: '2',
      cannotLinearize: {
        process: 1,
        op: 'read() → 1',
        invokedAt: 40,
        completedAt: 50,
        invokeLine: 5,
        completeLine: 6,
      },
      concurrent: [],
      concurrentOmitted: 0,
    });
  });

  it('lists the concurrent ops that could not go first either', () => {
    // Both cas expect 0; one wins, the other cannot follow it, and neither can go first for it.
    const h = history(write(0, 0, 0, 5), cas(1, 0, 1, 10, 20), cas(2, 0, 2, 10, 21));
    const { witness } = checkLinearizability(h, REGISTER);
    expect(witness?.linearized).toBe(2);
    expect(witness?.state).toBe('1');
    expect(witness?.cannotLinearize.op).toBe('cas(0, 2) → ok');
    expect(witness?.concurrent).toEqual([]);
  });

  it('points at the read Knossos blames in rethink-fail-minimal, not the later one', () => {
    // Knossos' comment in the file: WGL used to blame the op after the non-linearizable pair.
    const file = join(REFERENCE_DIR, 'knossos', 'cas-register', 'bad', 'rethink-fail-minimal.edn');
    const result = checkHistoryText(readFileSync(file, 'utf8'), { model: CAS_REGISTER.name });
    expect(result.witness?.cannotLinearize).toMatchObject({ op: 'read() → 3', invokeLine: 4 });
    expect(result.witness?.state).toBe('4');
  });

  it('reads as text', () => {
    const h = history(
      write(0, 1, 0, 10),
      { ...write(2, 3, 12, 13), type: 'info' },
      read(1, 2, 40, 50),
    );
    const { witness } = checkLinearizability(h, REGISTER);
    expect(witness && formatWitness(witness)).toBe(
      [
        'not linearizable (model register)',
        '  longest linearizable prefix: 2 ops, ending with',
        '    process 0: write(1)   invoked 0 (line 1), completed 10 (line 2)',
        '    process 2: write(3) → ?   invoked 12 (line 3), never completed',
        '  state then: 3',
        '  cannot take effect next, yet completes before any other pending op:',
        '    process 1: read() → 2   invoked 40 (line 5), completed 50 (line 6)',
      ].join('\n'),
    );
  });
});
