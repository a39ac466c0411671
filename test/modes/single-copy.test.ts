import { checkHistoryText } from '../../src/checker/linearizability';
import type { ClientResult } from '../../src/core/messages/client';
import { asNodeId } from '../../src/core/ids';
import { SingleCopy } from '../../src/modes/single-copy/single-copy';
import { replicaMaker } from '../../src/runtime/modes';
import { Simulation, driveWorkload } from '../../src/runtime/sim';
import { parseTopology, type Topology } from '../../src/topology';

// single-copy in the simulator: the baseline's promises, each under the fault that tests it.
function load(extra = ''): Topology {
  const r = parseTopology(
    `
regions:
  - name: us-east-1
    replicas: [p, u2]
  - name: eu-west-1
    replicas: [e1]
  - name: ap-southeast-1
    replicas: [s1]
latency:
  preset: aws
  jitter: 2ms
replication:
  mode: single-copy
  primary: p
clients:
  perRegion: 2
  timeout: 1s
workload:
  keys: 4
  concurrency: 2
  mix: { read: 0.4, write: 0.4, cas: 0.2 }
${extra}`,
    'single-copy.yaml',
  );
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

function simulation(t: Topology, seed: number): Simulation {
  return new Simulation({ topology: t, seed, replica: replicaMaker(t) });
}

const verdict = (sim: Simulation) =>
  checkHistoryText(sim.historyJsonl(), { format: 'jsonl' }).verdict;

describe('single-copy', () => {
  it('answers a write in one region and a read in another', () => {
    const sim = simulation(load(), 1);
    const writer = sim.client('eu-west-1');
    const reader = sim.client('ap-southeast-1');
    const results: ClientResult[] = [];
    sim.at(0, () =>
      writer.invoke({ f: 'write', key: 'x', value: 42 }, {}, (r) => {
        results.push(r);
        reader.invoke({ f: 'read', key: 'x' }, {}, (r2) => results.push(r2));
      }),
    );
    sim.runFor(2000);
    expect(results.map((r) => [r.type, r.type === 'ok' ? r.value : null])).toEqual([
      ['ok', 42],
      ['ok', 42],
    ]);
    // eu-west-1 → us-east-1 and back: 69.5 ms RTT (± 2 ms jitter each way), plus the primary's
    // forwarder hop inside eu-west-1 (0.5 ms each way).
    const [invoke, ok] = sim.history.filter((h) => h.f === 'write');
    expect(ok.time - invoke.time).toBeGreaterThan(69.5 + 1 - 4);
    expect(ok.time - invoke.time).toBeLessThan(69.5 + 1 + 4);
  });

  it.each([1, 2, 3, 4, 5])(
    'is linearizable under partitions, crashes and pauses (seed %i)',
    (seed) => {
      const t = load();
      const sim = simulation(t, seed);
      driveWorkload(sim, t, sim.random('workload'), { durationMs: 20_000 });
      sim.at(3000, () => sim.network.partition(['eu-west-1'], undefined, { mode: 'blackhole' }));
      sim.at(6000, () => sim.heal());
      sim.at(8000, () => sim.crash('p'));
      sim.at(9000, () => sim.restart('p'));
      sim.at(11_000, () => sim.pause('p'));
      sim.at(12_500, () => sim.resume('p'));
      sim.at(14_000, () =>
        sim.network.partition(['us-east-1'], ['ap-southeast-1'], { mode: 'hold' }),
      );
      sim.at(16_000, () => sim.heal());
      sim.runUntil(23_000);
      const types = sim.history.map((h) => h.type);
      expect(types.filter((x) => x === 'ok').length).toBeGreaterThan(200);
      expect(types).toContain('info');
      expect(verdict(sim)).toBe('linearizable');
    },
  );

  it('is unavailable to a region cut off from the primary, and available elsewhere', () => {
    const t = load();
    const sim = simulation(t, 9);
    sim.at(0, () => sim.network.partition(['ap-southeast-1'], undefined));
    const cut = sim.client('ap-southeast-1');
    const fine = sim.client('eu-west-1');
    const got: Record<string, string> = {};
    sim.at(10, () => cut.invoke({ f: 'read', key: 'k' }, {}, (r) => (got.cut = r.type)));
    sim.at(10, () => fine.invoke({ f: 'read', key: 'k' }, {}, (r) => (got.fine = r.type)));
    sim.runFor(5000);
    expect(got).toEqual({ cut: 'info', fine: 'ok' });
  });

  it('applies a retried write once when the original was held and released', () => {
    const t = load();
    const sim = simulation(t, 4);
    const client = sim.client('us-east-1', { node: 'p' });
    const appended: ClientResult[] = [];
    // The request is held on its way to the primary past the client's timeout; the client
    // retries with the same request id, held behind it; the heal releases both, and the
    // primary, having answered the first, sees the second as a new arrival.
    sim.at(0, () => sim.network.partition(['us-east-1'], ['p'], { mode: 'hold', oneWay: true }));
    sim.at(1, () =>
      client.invoke({ f: 'append', key: 'list', value: 7 }, { retries: 1 }, (r) =>
        appended.push(r),
      ),
    );
    sim.at(1500, () => sim.heal());
    sim.runFor(5000);
    const reader = sim.client('eu-west-1');
    let list: unknown;
    sim.at(sim.now, () =>
      reader.invoke({ f: 'read', key: 'list' }, {}, (r) => (list = r.type === 'ok' ? r.value : r)),
    );
    sim.runFor(1000);
    expect(appended.map((r) => r.type)).toEqual(['ok']);
    expect(list).toEqual([7]);
  });

  it('re-sends a forward lost to a partition when the client retries', () => {
    const t = load();
    const sim = simulation(t, 6);
    const client = sim.client('eu-west-1');
    let result: ClientResult | undefined;
    sim.at(0, () => sim.network.partition(['e1'], ['p'], { oneWay: true }));
    sim.at(1, () =>
      client.invoke({ f: 'write', key: 'x', value: 1 }, { retries: 2 }, (r) => (result = r)),
    );
    sim.at(100, () => sim.heal());
    sim.runFor(5000);
    // The first forward was lost; the retry at 1 s went through the healed link.
    expect(result).toMatchObject({ type: 'ok' });
  });

  it('keeps deduplicating across a snapshot and a restart', () => {
    const r = parseTopology(
      `
regions:
  - name: us-east-1
    replicas: [p]
latency: { preset: aws }
replication: { mode: single-copy, primary: p }
clients: { timeout: 1s }
`,
      'snap.yaml',
    );
    if (!r.ok) throw new Error('topology');
    const t = r.topology;
    const sim = new Simulation({
      topology: t,
      seed: 1,
      replica: (env) => new SingleCopy(env, { primary: asNodeId('p'), snapshotEvery: 2 }),
    });
    const client = sim.client('us-east-1');
    const other = sim.client('us-east-1');
    const results: ClientResult[] = [];
    // The increment is applied and its answer is lost; a second write snapshots and compacts;
    // the primary restarts; the client retries the increment with the same id.
    sim.at(0, () => sim.network.partition(['p'], ['us-east-1'], { oneWay: true }));
    sim.at(1, () =>
      client.invoke({ f: 'increment', key: 'n', value: 1 }, { retries: 1 }, (x) => results.push(x)),
    );
    sim.at(100, () => sim.heal());
    sim.at(150, () => other.invoke({ f: 'write', key: 'y', value: 1 }, {}));
    sim.at(300, () => sim.crash('p'));
    sim.at(400, () => sim.restart('p'));
    sim.runFor(3000);
    let n: unknown;
    sim.at(sim.now, () =>
      other.invoke({ f: 'read', key: 'n' }, {}, (x) => (n = x.type === 'ok' ? x.value : x)),
    );
    sim.runFor(100);
    expect(results.map((x) => x.type)).toEqual(['ok']);
    expect(n).toBe(1);
  });

  it('loses no acknowledged write across a primary crash', () => {
    const t = load();
    const sim = simulation(t, 5);
    const client = sim.client('us-east-1', { node: 'p' });
    const acknowledged: number[] = [];
    let n = 0;
    const next = () => {
      const value = ++n;
      client.invoke({ f: 'append', key: 'log', value }, {}, (r) => {
        if (r.type === 'ok') acknowledged.push(value);
        if (sim.now < 3000) next();
      });
    };
    sim.at(0, next);
    sim.at(1000, () => sim.crash('p'));
    sim.at(1200, () => sim.restart('p'));
    sim.runFor(5000);
    let final: unknown;
    const reader = sim.client('eu-west-1');
    sim.at(sim.now, () =>
      reader.invoke({ f: 'read', key: 'log' }, {}, (r) => (final = r.type === 'ok' ? r.value : r)),
    );
    sim.runFor(2000);
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(final).toEqual(expect.arrayContaining(acknowledged));
  });
});
