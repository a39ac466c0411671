import { checkCausal, formatCausal } from '../../../src/checker/causal';
import { paperHistory } from './notation';

type YesNo = 'yes' | 'no';

/** causal.md's test vectors: Figure 2 of Bouajjani et al. (POPL 2017), and more cases. */
const VECTORS: [string, string, YesNo, YesNo, YesNo, string[]][] = [
  ['(a)', 'W(x,1) R(x,2) | W(x,2) R(x,1)', 'yes', 'no', 'yes', ['CyclicCF']],
  [
    '(b)',
    'W(z,1) W(x,1) W(y,1) | W(x,2) R(z,⊥) R(y,1) R(x,2)',
    'yes',
    'yes',
    'no',
    ['WriteHBInitRead'],
  ],
  ['(c)', 'W(x,1) | W(x,2) R(x,1) R(x,2)', 'yes', 'no', 'no', ['CyclicCF', 'CyclicHB']],
  ['(d)', 'W(x,1) R(y,⊥) W(y,1) R(x,1) | W(x,2) R(y,⊥) W(y,2) R(x,2)', 'yes', 'yes', 'yes', []],
  ['(e)', 'W(x,1) W(y,1) | R(y,1) W(x,2) | R(x,2) R(x,1)', 'no', 'no', 'no', ['WriteCORead']],
  ['flip-flop', 'W(x,1) | W(x,2) | R(x,1) R(x,2) R(x,1)', 'yes', 'no', 'no', ['CyclicCF']],
  ['RYW', 'W(x,1) R(x,⊥)', 'no', 'no', 'no', ['WriteCOInitRead']],
  ['MW', 'W(x,1) W(y,1) | R(y,1) R(x,⊥)', 'no', 'no', 'no', ['WriteCOInitRead']],
  ['WFR', 'W(x,1) | R(x,1) W(y,1) | R(y,1) R(x,⊥)', 'no', 'no', 'no', ['WriteCOInitRead']],
];

describe('causal checker on the test vectors of causal.md', () => {
  it.each(VECTORS)('%s %s: CC %s, CCv %s, CM %s', (_id, notation, cc, ccv, cm, patterns) => {
    const result = checkCausal(paperHistory(notation));
    expect(result.models).toEqual({ CC: cc, CCv: ccv, CM: cm });
    expect(result.verdict).toBe(patterns.length === 0 ? 'causal' : 'violation');
    for (const p of patterns)
      expect(result.counts[p as keyof typeof result.counts]).toBeGreaterThan(0);
  });

  it('names the ops of (e) with their lines, process and times, and the causal path', () => {
    const result = checkCausal(paperHistory('W(x,1) W(y,1) | R(y,1) W(x,2) | R(x,2) R(x,1)'));
    const v = result.violations.find((x) => x.pattern === 'WriteCORead');
    expect(v?.ops.map((o) => [o.role, o.op, o.process, o.invokeLine, o.invokedAt])).toEqual([
      ['w1', 'write("x", 1)', 0, 1, 0],
      ['w2', 'write("x", 2)', 1, 7, 6],
      ['r', 'read("x") → 1', 2, 11, 10],
    ]);
    expect(v?.path?.map((s) => [s.op.op, s.edge])).toEqual([
      ['write("x", 2)', 'wr'],
      ['read("x") → 2', 'po'],
      ['read("x") → 1', undefined],
    ]);
    expect(formatCausal(result)).toContain('WriteCORead (rules out CC, CCv, CM)');
  });
});
