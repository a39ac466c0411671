import {
  checkLinearizability,
  defaultModel,
  formatWitness,
} from '../../../src/checker/linearizability';
import { measureStaleness } from '../../../src/checker/staleness';
import type { ClientResult } from '../../../src/core/messages/client';
import { driveWorkload } from '../../../src/runtime/sim';
import { leaderlessSimulation, topology } from './support';

// "r + w > n means up to date", taken apart (DDIA ch. 5 "Limitations of Quorum Consistency",
// ch. 9 "Linearizability and quorums"). n = 3, r = w = 2: one replica per region in a, b, c;
// region w holds none, so its replica only coordinates (the writer's).
const STRICT = `
regions:
  - { name: a, replicas: 1 }
  - { name: b, replicas: 1 }
  - { name: c, replicas: 1 }
  - { name: w, replicas: 1 }
latency:
  intraRegionRtt: 1ms
  links:
    - { between: [a, b], rtt: 10ms }
    - { between: [b, c], rtt: 10ms }
    - { between: [a, c], rtt: 30ms }
    - { between: [w, a], rtt: 10ms }
    - { between: [w, b], rtt: 10ms }
    - { between: [w, c], rtt: 10ms }
replication:
  mode: leaderless
  replicationFactor: { a: 1, b: 1, c: 1, w: 0 }
  r: 2
  w: 2
  readRepair: off
clients: { perRegion: 2, timeout: 2s }
workload:
  keys: 5
  concurrency: 1
  mix: { read: 0.7, write: 0.3 }
`;

describe('leaderless strict quorum (n = 3, r = w = 2)', () => {
  it('never reads a value older than a write completed before the read began, without faults', () => {
    for (const seed of [1, 2, 3]) {
      const t = topology(STRICT);
      const { sim } = leaderlessSimulation(t, seed);
      driveWorkload(sim, t, sim.random('workload'), { durationMs: 20_000 });
      sim.runUntil(23_000);
      const staleness = measureStaleness(sim.history);
      expect(staleness.summary.reads).toBeGreaterThan(1000);
      expect({ seed, stale: staleness.summary.stale }).toEqual({ seed, stale: 0 });
    }
  });

  /**
   * DDIA's figure: the write of 2 reaches a at once but b and c only 300 ms later; reader A
   * (at a) reads a and b, sees 2 on a and returns it; reader B (at c), starting after A
   * finished, reads b and c, both still 1, and returns 1. The write is still in flight, so each
   * read alone is legal; together they are a new-old inversion, which linearizability forbids.
   */
  function racingReads(readRepair: 'off' | 'blocking') {
    const t = topology(STRICT.replace('readRepair: off', `readRepair: ${readRepair}`));
    const { sim } = leaderlessSimulation(t, 7);
    const writer = sim.client('w', { node: 'w-n1' });
    const readerA = sim.client('a', { node: 'a-n1' });
    const readerB = sim.client('c', { node: 'c-n1' });
    const results: Record<string, ClientResult> = {};
    sim.at(0, () => writer.invoke({ f: 'write', key: 'x', value: 1 }));
    sim.at(1000, () => {
      sim.network.addLatency(['w-n1'], ['b-n1', 'c-n1'], { kind: 'constant', ms: 300 });
      writer.invoke({ f: 'write', key: 'x', value: 2 }, {}, (r) => (results.write = r));
    });
    sim.at(1100, () => readerA.invoke({ f: 'read', key: 'x' }, {}, (r) => (results.a = r)));
    sim.at(1150, () => readerB.invoke({ f: 'read', key: 'x' }, {}, (r) => (results.b = r)));
    sim.runUntil(3000);
    const history = sim.history;
    const at = (f: string, value: number) =>
      history.find((h) => h.type === 'ok' && h.f === f && h.value === value)?.time;
    return { results, history, writeDone: at('write', 2) };
  }

  it('lets a quorum read racing a write return new then old: a new-old inversion, with its witness', () => {
    const { results, history, writeDone } = racingReads('off');
    expect(results.a).toMatchObject({ type: 'ok', value: 2 });
    expect(results.b).toMatchObject({ type: 'ok', value: 1 });
    // Both reads ended before the write did: each alone is fine, the pair is not.
    expect(writeDone).toBeGreaterThan(1300);
    const result = checkLinearizability(history, defaultModel(history, 'jsonl'));
    expect(result.verdict).toBe('not-linearizable');
    const witness = formatWitness(result.witness ?? fail('no witness'));
    expect(witness).toContain('read() → 1');
    expect(witness).toContain('read() → 2');
  });

  it('removes the inversion with blocking read repair', () => {
    const { results, history } = racingReads('blocking');
    expect(results.a).toMatchObject({ type: 'ok', value: 2 });
    expect(results.b).toMatchObject({ type: 'ok', value: 2 });
    expect(checkLinearizability(history, defaultModel(history, 'jsonl')).verdict).toBe(
      'linearizable',
    );
  });
});

function fail(message: string): never {
  throw new Error(message);
}
