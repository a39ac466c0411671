import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatIssue, loadTopologyFile } from '../../src/topology';

// Every file under fixtures/topologies/bad/ is one mistake; expected.txt holds the one line
// `geolab validate` must print for it (file:line:col: message), as a person would read it.
const dir = join(__dirname, '..', 'fixtures', 'topologies', 'bad');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const expected = new Map(
  readFileSync(join(dir, 'expected.txt'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => [line.slice(0, line.indexOf(':')), line] as const),
);

// The classes of mistake the foundation issue names, each with at least one file.
const classes: Record<string, string[]> = {
  'unknown region in a latency pair': [
    'unknown-region-in-link',
    'unknown-region-one-way',
    'unknown-region-within',
  ],
  'negative latency': ['negative-rtt', 'negative-jitter', 'negative-one-way-delay'],
  'missing latency': [
    'missing-latency-pair',
    'missing-latency-no-preset',
    'missing-intra-region',
    'link-without-rtt',
  ],
  'r/w larger than the replica count': [
    'r-larger-than-n',
    'w-larger-than-n',
    'n-larger-than-replicas',
    'level-three-with-two',
  ],
  'unknown mode': ['unknown-mode', 'mode-short-id', 'mode-typo', 'mode-missing'],
  'duplicate region or node ids': [
    'duplicate-region',
    'duplicate-node',
    'duplicate-generated-node',
    'node-named-like-region',
  ],
  'port clash': ['port-clash-nodes', 'port-clash-dashboard', 'port-clash-toxiproxy-metrics'],
  'bad duration': [
    'bad-duration-unit',
    'bad-duration-number',
    'bad-duration-space',
    'zero-election-timeout',
  ],
  'wrong types': [
    'wrong-type-replicas',
    'wrong-type-regions',
    'wrong-type-boolean',
    'wrong-type-clients',
  ],
  'YAML syntax errors': [
    'yaml-unclosed-flow',
    'yaml-duplicate-key',
    'yaml-tab-indent',
    'yaml-bad-indent',
  ],
};

describe('the corpus of broken topologies', () => {
  it('has at least 40 files, each with one expected line', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect([...expected.keys()].sort()).toEqual(files);
  });

  it.each(Object.entries(classes))('covers %s', (_, names) => {
    for (const name of names) expect(files).toContain(`${name}.yaml`);
  });

  it.each(files)('%s gives exactly its expected line', (file) => {
    const result = loadTopologyFile(join(dir, file));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map((i) => formatIssue({ ...i, file }));
    expect(lines).toEqual([expected.get(file)]);
  });
});

describe('geolab validate on the broken corpus', () => {
  const cli = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
  const run = promisify(execFile);

  const validate = async (file: string) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [cli, 'validate', file], { cwd: dir });
      return { file, code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { file, code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('exits 2 with the expected line and no stack trace for every file', async () => {
    // One process per file, as a user runs it; four at a time on this 2-core machine.
    const outcomes: Awaited<ReturnType<typeof validate>>[] = [];
    for (let i = 0; i < files.length; i += 4) {
      outcomes.push(...(await Promise.all(files.slice(i, i + 4).map(validate))));
    }
    for (const o of outcomes) {
      expect({ file: o.file, code: o.code, stdout: o.stdout, stderr: o.stderr }).toEqual({
        file: o.file,
        code: 2,
        stdout: '',
        stderr: `${expected.get(o.file)}\n`,
      });
    }
  }, 120_000);
});
