import { parseTopology } from '../../src/topology';
import { assertTarget, topologyFiles } from './targets';

/** CI size: a fixed seed, so a failure here is reproducible; `npm run bench:fuzz` runs 10,000+. */
const SEED = 11;

describe('topology files, fuzzed', () => {
  it('never throw; every issue is located and on one line', async () => {
    await assertTarget(topologyFiles, 250, SEED);
  });

  // Counterexamples the fuzzer found, kept as regressions.
  it('shows a key holding a newline escaped, on one line', () => {
    const r = parseTopology('regions: []\nreplication: {mode: raft}\n"\\n": 1\n', 'fuzz.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.message.startsWith('unknown key'));
    expect(issue?.message).toMatch(/^unknown key "\\n" in the topology/);
  });

  it('rejects a replication.mode that is not a string, with an issue', () => {
    const text = [
      'regions:',
      '  - name: us-east-1',
      '    replicas: 1',
      'replication:',
      '  mode:',
      '    - single-leader',
      '  protocol: async',
      '',
    ].join('\n');
    const r = parseTopology(text, 'fuzz.yaml');
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          file: 'fuzz.yaml',
          line: 6,
          col: 5,
          message:
            'replication.mode is a list, not a name (one of: single-copy, single-leader, multi-leader or leaderless)',
        },
      ],
    });
  });

  it('refuses a huge replica count instead of building the nodes (was RangeError)', () => {
    const text =
      'regions:\n  - name: us-east-1\n    replicas: 1e+308\nreplication: {mode: single-copy}\n';
    const r = parseTopology(text, 'fuzz.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.line}:${i.col}: ${i.message}`)).toEqual([
      expect.stringMatching(/^3:15: regions\[0\]\.replicas .*1000/),
    ]);
  });

  it('keeps yaml warnings off stderr (a mapping used as a key)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      parseTopology('? {a: 1}\n: x\nregions: []\n', 'fuzz.yaml');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
