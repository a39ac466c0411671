import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  linkKey,
  loadTopologyFile,
  parseTopology,
  rttMs,
  type LoadResult,
  type Topology,
} from '../../src/topology';
import { largestRtt } from '../../src/topology/summary';

const examples = join(__dirname, '..', '..', 'topologies');

function ok(result: LoadResult): Topology {
  if (!result.ok)
    throw new Error(result.issues.map((i) => `${i.line}:${i.col}: ${i.message}`).join('\n'));
  return result.topology;
}

function parse(text: string, mode?: string): Topology {
  return ok(parseTopology(text, 'test.yaml', { mode }));
}

const twoRegions = `
regions:
  - name: us-east-1
    replicas: 3
  - name: eu-west-1
    replicas: [dub-a, {id: dub-b, host: 127.0.0.2, port: 9000}]
latency:
  preset: aws
replication:
  mode: single-leader
`;

describe('example topologies', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));

  it('include the ones the docs promise, and one per mode', () => {
    for (const name of ['three-regions', 'five-regions', 'two-dc-cassandra']) {
      expect(files).toContain(`${name}.yaml`);
    }
    const modes = files.map((f) => ok(loadTopologyFile(join(examples, f))).replication.mode);
    expect(new Set(modes)).toEqual(
      new Set(['single-copy', 'single-leader', 'multi-leader', 'leaderless']),
    );
  });

  it.each(files)('%s is valid and names its schema on the first line', (file) => {
    const text = readFileSync(join(examples, file), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../src/topology/topology.schema.json',
    );
    ok(loadTopologyFile(join(examples, file)));
  });

  it('three-regions has 3 × 3 replicas and the aws RTTs', () => {
    const t = ok(loadTopologyFile(join(examples, 'three-regions.yaml')));
    expect(t.regions.map((r) => [r.name, r.nodes.length])).toEqual([
      ['us-east-1', 3],
      ['eu-west-1', 3],
      ['ap-southeast-1', 3],
    ]);
    expect(rttMs(t.latency, 'us-east-1', 'eu-west-1')).toBe(69.5);
    expect(rttMs(t.latency, 'us-east-1', 'us-east-1')).toBe(4);
    expect(largestRtt(t)).toEqual({ a: 'us-east-1', b: 'ap-southeast-1', rttMs: 212 });
  });

  it('two-dc-cassandra places 3 replicas per key in each DC, LOCAL_QUORUM', () => {
    const t = ok(loadTopologyFile(join(examples, 'two-dc-cassandra.yaml')));
    expect(t.replication).toMatchObject({
      mode: 'leaderless',
      n: 6,
      read: 'LOCAL_QUORUM',
      write: 'LOCAL_QUORUM',
      sloppyQuorum: false,
    });
    if (t.replication.mode === 'leaderless') {
      expect([...t.replication.replicationFactor]).toEqual([
        ['us-east-1', 3],
        ['eu-west-1', 3],
      ]);
    }
  });
});

describe('resolving a topology', () => {
  it('names generated nodes after their region and gives them consecutive ports', () => {
    const t = parse(twoRegions);
    expect(t.nodes).toEqual([
      { id: 'us-east-1-n1', region: 'us-east-1', host: '127.0.0.1', port: 7100 },
      { id: 'us-east-1-n2', region: 'us-east-1', host: '127.0.0.1', port: 7101 },
      { id: 'us-east-1-n3', region: 'us-east-1', host: '127.0.0.1', port: 7102 },
      { id: 'dub-a', region: 'eu-west-1', host: '127.0.0.1', port: 7103 },
      { id: 'dub-b', region: 'eu-west-1', host: '127.0.0.2', port: 9000 },
    ]);
  });

  it('fills every directed region pair, splitting RTT evenly', () => {
    const t = parse(twoRegions);
    expect(t.latency.links.size).toBe(4);
    expect(t.latency.links.get(linkKey('us-east-1', 'eu-west-1'))).toEqual({
      from: 'us-east-1',
      to: 'eu-west-1',
      delayMs: 34.75,
      jitterMs: 0,
      distribution: 'uniform',
    });
    expect(t.latency.links.get(linkKey('eu-west-1', 'eu-west-1'))?.delayMs).toBe(0.5);
  });

  it('lets links override the preset, and from/to make a link asymmetric', () => {
    const t = parse(
      `${twoRegions}
  jitter: 1ms
`
        .replace(
          'latency:\n  preset: aws\n',
          `latency:
  preset: aws
  jitter: 2ms
  links:
    - between: [eu-west-1, us-east-1]
      rtt: 100ms
      distribution: pareto
    - from: us-east-1
      to: eu-west-1
      delay: 70ms
      jitter: 10ms
    - within: us-east-1
      rtt: 6ms
`,
        )
        .replace('  jitter: 1ms\n', ''),
    );
    const there = t.latency.links.get(linkKey('us-east-1', 'eu-west-1'));
    const back = t.latency.links.get(linkKey('eu-west-1', 'us-east-1'));
    expect(there).toMatchObject({ delayMs: 70, jitterMs: 10, distribution: 'pareto' });
    expect(back).toMatchObject({ delayMs: 50, jitterMs: 2, distribution: 'pareto' });
    expect(rttMs(t.latency, 'us-east-1', 'eu-west-1')).toBe(120);
    expect(rttMs(t.latency, 'us-east-1', 'us-east-1')).toBe(6);
  });

  it('applies defaults per mode', () => {
    expect(parse(twoRegions).replication).toMatchObject({
      protocol: 'raft',
      reads: 'read-index',
      electionTimeoutMs: 1000,
      heartbeatIntervalMs: 100,
      preVote: true,
      checkQuorum: true,
      learners: [],
    });
    const t = parse(twoRegions.replace('mode: single-leader', 'mode: leaderless'));
    expect(t.replication).toMatchObject({
      mode: 'leaderless',
      n: 5,
      read: 'QUORUM',
      write: 'QUORUM',
    });
    expect(t.workload.mix).toEqual({ read: 0.5, write: 0.5 });
    expect(t.clientTimeoutMs).toBe(2000);
  });

  it('resolves learner regions to their nodes', () => {
    const t = parse(`${twoRegions}  learners: [eu-west-1]\n`);
    expect(t.replication).toMatchObject({ learners: ['dub-a', 'dub-b'] });
  });

  it('spreads n over regions when only n is given', () => {
    const t = parse(
      twoRegions.replace('mode: single-leader', 'mode: leaderless\n  n: 3\n  r: 2\n  w: 2'),
    );
    if (t.replication.mode !== 'leaderless') throw new Error('mode');
    expect([...t.replication.replicationFactor]).toEqual([
      ['us-east-1', 2],
      ['eu-west-1', 1],
    ]);
    expect(t.replication.read).toEqual({ r: 2 });
  });

  it('lets --mode override the file, keeping options the modes share', () => {
    const raft = parse(`${twoRegions}  leaderRegion: eu-west-1\n`, 'async');
    expect(raft.replication).toMatchObject({
      protocol: 'async',
      leaderRegion: 'eu-west-1',
      reads: 'leader',
    });
    const crdt = parse(twoRegions, 'multi-leader:yjs');
    expect(crdt.replication).toMatchObject({ mode: 'multi-leader', resolver: 'yjs', causal: true });
    const quorum = parse(twoRegions, 'leaderless:LOCAL_ONE');
    expect(quorum.replication).toMatchObject({ read: 'LOCAL_ONE', write: 'LOCAL_ONE' });
  });

  it('drops the options the --mode protocol does not take', () => {
    // A raft file's read-index reads and election timeout mean nothing to async: the
    // example topologies are raft with reads: read-index, and `--mode async` must load them.
    const raftFile = `${twoRegions}  reads: read-index\n  electionTimeout: 2s\n  preVote: false\n`;
    const async = parse(raftFile, 'async');
    expect(async.replication).toMatchObject({ protocol: 'async', reads: 'leader' });
    const semi = parse(`${twoRegions}  reads: follower\n  fencing: true\n`, 'semi-sync');
    expect(semi.replication).toMatchObject({ reads: 'follower', fencing: true });
    const raft = parse(
      `${twoRegions}  protocol: async\n  reads: follower\n  fencing: true\n`,
      'raft',
    );
    expect(raft.replication).toMatchObject({ protocol: 'raft', reads: 'follower', fencing: false });
    const counts = parse(
      twoRegions.replace('mode: single-leader', 'mode: leaderless\n  n: 3\n  r: 2\n  w: 2'),
      'leaderless:ONE',
    );
    expect(counts.replication).toMatchObject({ n: 3, read: 'ONE', write: 'ONE' });
  });

  it('still reports an option no mode takes, where it is, under --mode', () => {
    const result = parseTopology(`${twoRegions}  leaderRegoin: eu-west-1\n`, 'test.yaml', {
      mode: 'async',
    });
    expect(result.ok).toBe(false);
  });

  it('loads the raft example (reads: read-index) under every single-copy and single-leader id', () => {
    for (const mode of ['single-copy', 'raft', 'async', 'semi-sync']) {
      const result = loadTopologyFile(join(examples, 'three-regions.yaml'), { mode });
      expect([mode, result.ok]).toEqual([mode, true]);
    }
  });

  it("drops the ops of the file's mix that the --mode does not serve, keeping the rest", () => {
    const text = `${twoRegions}workload:\n  mix: {read: 1, cas: 1}\n`;
    const result = parseTopology(text, 'test.yaml', { mode: 'multi-leader:lww' });
    expect(result.ok && result.topology.workload.mix).toEqual({ read: 1 });
    // Without --mode, a file that asks its own mode for an op it lacks is refused, at the op.
    const own = parseTopology(
      text.replace('mode: single-leader', 'mode: multi-leader\n  resolver: lww'),
      'test.yaml',
    );
    expect(own.ok).toBe(false);
    if (!own.ok) {
      expect(own.issues[0]).toMatchObject({ line: 13, col: 18 });
      expect(own.issues[0].message).toContain('operation "cas" is not available');
    }
  });

  it('runs three-regions.yaml (read, write, cas) under every mode id', () => {
    for (const mode of [
      'multi-leader:lww',
      'multi-leader:automerge',
      'leaderless:ONE',
      'leaderless:QUORUM',
    ]) {
      const result = loadTopologyFile(join(examples, 'three-regions.yaml'), { mode });
      expect([mode, result.ok]).toEqual([mode, true]);
    }
  });

  it('reports every mistake of a file, in source order', () => {
    const result = parseTopology(
      `regions:
  - name: a
    replicas: 1
  - name: a
    replicas: 1
latency:
  jitter: -1ms
replication:
  mode: leaderless
  r: 9
`,
      'many.yaml',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => `${i.line}:${i.col}`)).toEqual([
        '2:11',
        '4:11',
        '7:11',
        '10:6',
      ]);
    }
  });

  it('never throws, whatever bytes it is given', () => {
    const inputs = [
      '\u0000\u0001',
      '{{{{',
      'a: *nope',
      '[1, 2',
      '!!binary x',
      'regions: !!set {a}',
      '?',
      '- - - -',
    ];
    for (const text of inputs) {
      expect(() => parseTopology(text, 'junk.yaml')).not.toThrow();
      expect(parseTopology(text, 'junk.yaml').ok).toBe(false);
    }
  });

  it('refuses a billion-laughs alias bomb instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const result = parseTopology(`${lines.join('\n')}\nregions: *a9\n`, 'bomb.yaml');
    expect(result.ok).toBe(false);
  });
});
