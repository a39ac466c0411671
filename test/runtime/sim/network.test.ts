import { Rng } from '../../../src/core/random';
import { linkDelay, sampleDelay } from '../../../src/runtime/sim/delay';
import { Simulation } from '../../../src/runtime/sim';
import { asNodeId } from '../../../src/core/ids';
import { Probe, topology, type Observed } from './support';

// The simulator's network, observed by probe replicas that only record what reaches them.
const twoRegions = topology(`
regions:
  - name: us-east-1
    replicas: [a, a2]
  - name: eu-west-1
    replicas: [b]
latency:
  preset: aws
  distribution: constant
replication:
  mode: single-copy
`);

function probes(seed = 1, text = twoRegions) {
  const seen = new Map<string, Observed>();
  const replicas = new Map<string, Probe>();
  const sim: Simulation = new Simulation({
    topology: text,
    seed,
    replica: (env, node): Probe => {
      const observed = seen.get(node) ?? { received: [], timers: [] };
      seen.set(node, observed);
      const probe: Probe = new Probe(env, observed, () => sim.now);
      replicas.set(node, probe);
      return probe;
    },
  });
  const send = (from: string, to: string, type: string, body: unknown = null) =>
    replicas.get(from)?.env.send(asNodeId(to), { type, body: body as null });
  return {
    sim,
    seen: (n: string) => seen.get(n) as Observed,
    send,
    replica: (n: string) => replicas.get(n) as Probe,
  };
}

describe('simulated links', () => {
  it('delay a message by the one-way latency of its region pair', () => {
    const { sim, seen, send } = probes();
    sim.at(10, () => send('a', 'b', 'hello'));
    sim.at(10, () => send('a', 'a2', 'local'));
    sim.runFor(1000);
    expect(seen('b').received).toEqual([
      { at: 10 + 69.5 / 2, from: 'a', type: 'hello', body: null },
    ]);
    expect(seen('a2').received[0].at).toBe(10 + 2);
  });

  it('keep each link in send order (FIFO), whatever the jitter', () => {
    const { sim, seen, send } = probes(
      7,
      topology(`
regions:
  - name: us-east-1
    replicas: [a]
  - name: eu-west-1
    replicas: [b]
latency:
  preset: aws
  jitter: 30ms
  distribution: pareto
replication:
  mode: single-copy
`),
    );
    for (let i = 0; i < 200; i++) sim.at(i, () => send('a', 'b', 'n', i));
    sim.runFor(10_000);
    const order = seen('b').received.map((r) => r.body);
    expect(order).toEqual([...order].sort((x, y) => Number(x) - Number(y)));
    expect(order).toHaveLength(200);
  });

  it('blackhole: a partition drops messages both ways; heal lets new ones through', () => {
    const { sim, seen, send } = probes();
    sim.at(0, () => sim.network.partition(['us-east-1'], ['eu-west-1']));
    sim.at(1, () => send('a', 'b', 'lost'));
    sim.at(1, () => send('b', 'a', 'lost'));
    sim.at(1, () => send('a', 'a2', 'inside'));
    sim.at(500, () => sim.heal());
    sim.at(501, () => send('a', 'b', 'after'));
    sim.runFor(2000);
    expect(seen('b').received.map((r) => r.type)).toEqual(['after']);
    expect(seen('a').received).toEqual([]);
    expect(seen('a2').received.map((r) => r.type)).toEqual(['inside']);
  });

  it('one-way: only the named direction is cut', () => {
    const { sim, seen, send } = probes();
    sim.at(0, () => sim.network.partition(['us-east-1'], ['eu-west-1'], { oneWay: true }));
    sim.at(1, () => send('a', 'b', 'east-to-west'));
    sim.at(1, () => send('b', 'a', 'west-to-east'));
    sim.runFor(1000);
    expect(seen('b').received).toEqual([]);
    expect(seen('a').received.map((r) => r.type)).toEqual(['west-to-east']);
  });

  it('hold: messages wait for the heal and then arrive in order, one delay later', () => {
    const { sim, seen, send } = probes();
    sim.at(0, () => sim.network.partition(['a'], undefined, { mode: 'hold' }));
    sim.at(1, () => send('a', 'b', 'first'));
    sim.at(2, () => send('a', 'b', 'second'));
    sim.at(300, () => sim.heal());
    sim.runFor(2000);
    expect(seen('b').received.map((r) => [r.type, r.at])).toEqual([
      ['first', 300 + 34.75],
      ['second', 300 + 34.75],
    ]);
  });

  it('releases held messages whatever cut covered the hold meanwhile', () => {
    const { sim, seen, send } = probes();
    let hold: number[] = [];
    sim.at(0, () => (hold = sim.network.partition(['a'], ['b'], { mode: 'hold', oneWay: true })));
    sim.at(1, () => send('a', 'b', 'held-then-delivered'));
    sim.at(2, () => sim.network.partition(['a'], ['b'], { mode: 'blackhole', oneWay: true }));
    sim.at(50, () => sim.heal());
    sim.at(60, () => send('a', 'b', 'after'));
    // A hold lifted while a blackhole still covers the link: what it held is dropped.
    sim.at(100, () => (hold = sim.network.partition(['a'], ['b'], { mode: 'hold', oneWay: true })));
    sim.at(101, () => send('a', 'b', 'held-then-dropped'));
    sim.at(102, () => sim.network.partition(['a'], ['b'], { mode: 'blackhole', oneWay: true }));
    sim.at(150, () => sim.heal(hold));
    sim.at(200, () => sim.heal());
    sim.runFor(10_000);
    expect(seen('b').received.map((r) => [r.type, r.at])).toEqual([
      ['held-then-delivered', 50 + 34.75],
      ['after', 60 + 34.75],
    ]);
  });

  it('isolate: a node is cut from its own region too', () => {
    const { sim, seen, send } = probes();
    sim.at(0, () => sim.network.isolate('a'));
    sim.at(1, () => send('a2', 'a', 'peer'));
    sim.at(1, () => send('b', 'a2', 'other'));
    sim.runFor(1000);
    expect(seen('a').received).toEqual([]);
    expect(seen('a2').received.map((r) => r.type)).toEqual(['other']);
  });

  it('loss: about the configured share of messages disappears', () => {
    const { sim, seen, send } = probes(3);
    sim.at(0, () => sim.network.setLoss(['us-east-1'], ['eu-west-1'], 0.3));
    for (let i = 0; i < 2000; i++) sim.at(1 + i, () => send('a', 'b', 'm'));
    sim.runFor(10_000);
    const delivered = seen('b').received.length / 2000;
    expect(delivered).toBeGreaterThan(0.66);
    expect(delivered).toBeLessThan(0.74);
  });

  it('extra latency adds to a direction; bandwidth serialises large messages', () => {
    const { sim, seen, send } = probes();
    sim.at(0, () =>
      sim.network.addLatency(['us-east-1'], ['eu-west-1'], { kind: 'constant', ms: 100 }),
    );
    sim.at(0, () => sim.network.limitBandwidth(['eu-west-1'], ['us-east-1'], 100)); // 100 KB/s
    sim.at(1, () => send('a', 'b', 'slow'));
    // About 10 KB of body: 100 ms on a 100 KB/s link.
    sim.at(1, () => send('b', 'a', 'big', 'x'.repeat(10_000)));
    sim.runFor(2000);
    expect(seen('b').received[0].at).toBe(1 + 34.75 + 100);
    const big = seen('a').received[0].at - 1 - 34.75;
    expect(big).toBeGreaterThan(100);
    expect(big).toBeLessThan(101);
  });

  it('refuse: a client request is refused after one round trip, as a definite fail', () => {
    const { sim } = probes();
    const client = sim.client('us-east-1', { node: 'b' });
    let result: unknown;
    sim.at(0, () => sim.network.partition(['eu-west-1'], undefined, { mode: 'refuse' }));
    sim.at(1, () => client.invoke({ f: 'read', key: 'k' }, {}, (r) => (result = r)));
    sim.runFor(200);
    expect(result).toMatchObject({ type: 'fail', error: 'unavailable' });
    expect(sim.history.map((h) => [h.type, h.time])).toEqual([
      ['invoke', 1],
      ['fail', 1 + 69.5],
    ]);
  });
});

describe('delay distributions', () => {
  const stats = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sorted = [...xs].sort((a, b) => a - b);
    return {
      mean,
      median: sorted[xs.length >> 1],
      p99: sorted[Math.floor(xs.length * 0.99)],
      min: sorted[0],
    };
  };
  const draw = (shape: string, n = 20_000) => {
    const rng = new Rng(42);
    const d = linkDelay(50, 10, shape);
    return stats(Array.from({ length: n }, () => sampleDelay(d, rng)));
  };

  it('keeps the mean at the link delay for every shape', () => {
    for (const shape of ['constant', 'uniform', 'normal', 'exponential', 'pareto']) {
      expect({ shape, mean: Math.round(draw(shape).mean) }).toEqual({
        shape,
        mean: expect.any(Number),
      });
      expect(Math.abs(draw(shape).mean - 50)).toBeLessThan(shape === 'uniform' ? 1 : 0.5);
    }
  });

  it('gives uniform Toxiproxy jitter a floor and a ceiling, and Pareto a long tail above its floor', () => {
    const u = draw('uniform');
    expect(u.min).toBeGreaterThanOrEqual(40);
    expect(u.p99).toBeLessThan(60);
    const p = draw('pareto');
    expect(p.min).toBeGreaterThanOrEqual(40);
    expect(p.median).toBeLessThan(50);
    expect(p.p99).toBeGreaterThan(75);
  });

  it('reproduces PBS LNKD-SSD mixture moments', () => {
    const rng = new Rng(1);
    const lnkd = {
      kind: 'mixture' as const,
      parts: [
        { weight: 0.9122, delay: { kind: 'pareto' as const, xm: 0.235, alpha: 10 } },
        { weight: 0.0878, delay: { kind: 'exponential' as const, mean: 1 / 1.66 } },
      ],
    };
    const xs = Array.from({ length: 100_000 }, () => sampleDelay(lnkd, rng));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    // 0.9122 · 0.235·10/9 + 0.0878 / 1.66
    expect(mean).toBeCloseTo(0.9122 * ((0.235 * 10) / 9) + 0.0878 / 1.66, 2);
  });
});

describe('messages the live decoder would refuse', () => {
  it.each([
    ['a bad type', { type: 'Not A Token', body: null }, 'is not a token'],
    ['NaN in the body', { type: 'm', body: { x: NaN } }, 'NaN is not JSON'],
    ['an undefined field', { type: 'm', body: { x: undefined } }, 'a undefined is not JSON'],
    [
      'deep nesting',
      { type: 'm', body: JSON.parse('['.repeat(70) + ']'.repeat(70)) },
      'nests deeper',
    ],
    ['an oversized frame', { type: 'm', body: 'x'.repeat(1024 * 1024) }, 'would exceed'],
    [
      'an oversized frame of long numbers',
      { type: 'm', body: Array.from({ length: 131_072 }, (_, i) => 0.1234567890123456 + i) },
      'would exceed',
    ],
  ])('stop the simulation: %s', (_, msg, problem) => {
    const { sim, replica } = probes();
    sim.at(1, () => replica('a').env.send(asNodeId('b'), msg as never));
    expect(() => sim.runFor(10)).toThrow(problem);
  });

  it('are frozen once sent, so a mode that mutates one fails loudly', () => {
    const { sim, replica } = probes();
    const body = { n: 1 };
    sim.at(1, () => replica('a').env.send(asNodeId('b'), { type: 'm', body }));
    sim.runFor(10);
    expect(() => {
      (body as { n: number }).n = 2;
    }).toThrow(TypeError);
  });
});
