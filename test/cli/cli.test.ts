import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GEOLAB_VERSION } from '../../src/version';
import { geolab, root } from './built-cli';

describe('geolab (built CLI)', () => {
  it('validates every example with one summary line each', async () => {
    const files = readdirSync(join(root, 'topologies'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `topologies/${f}`);
    const { code, stdout, stderr } = await geolab('validate', ...files);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(files.length);
    expect(lines).toContain(
      'topologies/three-regions.yaml: ok: 3 regions, 9 replicas, single-leader raft (leader in us-east-1), largest RTT 212ms (us-east-1 ↔ ap-southeast-1)',
    );
  });

  it('reports valid and invalid files together, exiting 2', async () => {
    const bad = 'test/fixtures/topologies/bad/unknown-mode.yaml';
    const { code, stdout, stderr } = await geolab('validate', 'topologies/raft.yaml', bad);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^topologies\/raft\.yaml: ok: /);
    expect(stderr).toBe(
      `${bad}:8:9: unknown replication mode "master-slave" (one of: single-copy, single-leader, multi-leader or leaderless)\n`,
    );
  });

  it('prints the RTT matrix', async () => {
    const { code, stdout } = await geolab('latency', 'topologies/three-regions.yaml');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'three-regions (preset aws)',
        'RTT             us-east-1  eu-west-1  ap-southeast-1',
        'us-east-1             4ms     69.5ms           212ms',
        'eu-west-1          69.5ms        1ms         181.5ms',
        'ap-southeast-1      212ms    181.5ms             4ms',
        '',
      ].join('\n'),
    );
  });

  it('prints one-way delays with jitter', async () => {
    const { stdout } = await geolab('latency', '--one-way', 'topologies/leaderless-quorum.yaml');
    expect(stdout).toContain('45ms±5ms');
  });

  it('gives one line and exit 2 for a missing file, a bad option and a bad --mode', async () => {
    for (const args of [
      ['validate', 'no-such.yaml'],
      ['latency', 'no-such.yaml'],
      ['validate', '--frobnicate', 'topologies/raft.yaml'],
      ['validate', '--mode', 'paxos', 'topologies/raft.yaml'],
      ['no-such-command'],
    ]) {
      const { code, stderr } = await geolab(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect((await geolab('latency', 'no-such.yaml')).stderr).toBe(
      'geolab: no-such.yaml:1:1: cannot read the topology: no such file\n',
    );
  });

  it.each([[], ['validate'], ['latency'], ['doctor']])(
    'answers --help and --version for %p',
    async (...sub) => {
      const help = await geolab(...sub, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: geolab');
      const version = await geolab(...sub, '--version');
      expect(version).toMatchObject({ code: 0, stdout: `${GEOLAB_VERSION}\n` });
    },
  );
});
