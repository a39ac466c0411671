import { join } from 'node:path';
import { checkLeadership } from '../../../../src/checker/leadership';
import { checkHistoryText } from '../../../../src/checker/linearizability';
import { fromTopology } from '../../../../src/modes/single-leader/async/config';
import { driveWorkload } from '../../../../src/runtime/sim';
import { simulate } from '../../../../src/runtime/sim/run';
import { loadTopologyFile, parseTopology } from '../../../../src/topology';
import { roles, run, simulation, topology } from './support';

// async and semi-sync with no faults: one primary, every op through it, linearizable.
describe('async primary-backup without faults', () => {
  it.each([
    ['async', 1],
    ['async', 2],
    ['semi-sync', 3],
    ['semi-sync', 4],
  ] as const)('is linearizable with reads at the primary (%s, seed %i)', (protocol, seed) => {
    const t = topology({ protocol });
    const { sim, events } = simulation(t, seed);
    driveWorkload(sim, t, sim.random('workload'), { durationMs: 10_000 });
    sim.runUntil(12_000);
    const types = sim.history.map((h) => h.type);
    expect(types.filter((x) => x === 'ok').length).toBeGreaterThan(2000);
    expect(types).not.toContain('info');
    expect(checkHistoryText(sim.historyJsonl(), { format: 'jsonl' }).verdict).toBe('linearizable');
    // The first node of leaderRegion leads epoch 1 throughout, alone.
    expect(roles(events)).toEqual(['a1:primary:1', 'a2:backup:1', 'w1:backup:1', 'e1:backup:1']);
    expect(checkLeadership(events).verdict).toBe('ok');
  });

  it('serves follower reads from the local copy, leader reads through the primary', () => {
    const t = topology({ reads: 'follower' });
    const { sim } = simulation(t, 5);
    const writer = sim.client('us-east-1', { node: 'a1' });
    const reader = sim.client('eu-west-1', { node: 'e1' });
    run(sim, writer, { f: 'write', key: 'x', value: 1 });
    const timed = (level?: string) => {
      const start = sim.now;
      const r = run(sim, reader, { f: 'read', key: 'x' }, 1000, level);
      const read = sim.history.filter((h) => h.f === 'read' && h.type === 'ok').pop();
      return { value: r.type === 'ok' ? r.value : r.type, ms: (read?.time ?? NaN) - start };
    };
    const local = timed();
    const atPrimary = timed('leader');
    expect(local.value).toBe(1);
    expect(atPrimary.value).toBe(1);
    // eu-west-1 inside: 1 ms RTT; to the primary in us-east-1 and back: 69.5 ms more.
    expect(local.ms).toBeLessThan(1 + 4);
    expect(atPrimary.ms).toBeGreaterThan(1 + 69.5 - 6);
  });

  it('refuses a consistency level it does not offer', () => {
    const t = topology();
    const { sim } = simulation(t, 6);
    const r = run(sim, sim.client('us-east-1'), { f: 'write', key: 'x', value: 1 }, 500, 'QUORUM');
    expect(r).toMatchObject({ type: 'fail', error: 'unsupported' });
  });

  it('gives the same run for one seed, through the wire codec too', () => {
    const t = topology({ fencing: true });
    const a = simulate(t, { seed: 7, durationMs: 3000 });
    const b = simulate(t, { seed: 7, durationMs: 3000, codec: 'wire' });
    expect(a.summary.ops.ok).toBeGreaterThan(500);
    expect(b.summary.historyHash).toBe(a.summary.historyHash);
    expect(b.summary.traceHash).toBe(a.summary.traceHash);
  });

  it.each(['async-primary-backup.yaml', 'semi-sync.yaml'])('runs topologies/%s', (file) => {
    const r = loadTopologyFile(join(__dirname, '..', '..', '..', '..', 'topologies', file));
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
    const { summary } = simulate(r.topology, { seed: 1, durationMs: 5000 });
    expect(summary.ops.ok).toBeGreaterThan(100);
    expect(summary.ops.info).toBe(0);
  });
});

describe('fromTopology', () => {
  const load = (replication: string) => {
    const r = parseTopology(
      `
regions:
  - name: us-east-1
    replicas: [a1, a2]
  - name: eu-west-1
    replicas: [e1, e2]
latency: { preset: aws }
replication:
${replication}
`,
      'c.yaml',
    );
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
    return fromTopology(r.topology);
  };

  it('starts with the first voting node of leaderRegion, else of the topology', () => {
    expect(load('  { mode: single-leader, protocol: async }').initialPrimary).toBe('a1');
    const c = load(
      '  { mode: single-leader, protocol: semi-sync, leaderRegion: eu-west-1, learners: [e1], fencing: true, reads: follower }',
    );
    expect(c).toMatchObject({
      initialPrimary: 'e2',
      learners: ['e1'],
      semiSync: true,
      fencing: true,
      reads: 'follower',
      failoverTimeoutMs: 1000,
      heartbeatIntervalMs: 100,
    });
    expect(c.members.map((m) => `${m.id}@${m.region}`)).toEqual([
      'a1@us-east-1',
      'a2@us-east-1',
      'e1@eu-west-1',
      'e2@eu-west-1',
    ]);
  });

  it('refuses raft', () => {
    expect(() => load('  { mode: single-leader, protocol: raft }')).toThrow(/async or semi-sync/);
  });
});
