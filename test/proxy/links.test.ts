import { parseTopology, type Topology } from '../../src/topology';
import {
  complement,
  planProxies,
  resolveGroup,
  streamsBetween,
  wholeMillisecondDelays,
  type ProxyStream,
} from '../../src/proxy/links';

function topology(text: string): Topology {
  const result = parseTopology(text, 'test.yaml');
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.topology;
}

const t = topology(`
regions:
  - name: us-east-1
    replicas: [a1, a2]
  - name: eu-west-1
    replicas: [b1]
    clients: 1
  - name: sa-east-1
    replicas: 0
    clients: 2
latency:
  preset: aws
  links:
    - from: us-east-1
      to: eu-west-1
      delay: 40ms
clients:
  perRegion: 0
replication:
  mode: single-copy
`);

const names = (streams: ProxyStream[]) => streams.map((s) => `${s.proxy}/${s.stream}`).sort();

describe('the fabric plan', () => {
  const plan = planProxies(t);

  it('has one proxy per ordered node pair and per (client region, node)', () => {
    expect(plan.map((p) => p.name).sort()).toEqual(
      [
        'a1__a2',
        'a1__b1',
        'a2__a1',
        'a2__b1',
        'b1__a1',
        'b1__a2',
        'client@eu-west-1__a1',
        'client@eu-west-1__a2',
        'client@eu-west-1__b1',
        'client@sa-east-1__a1',
        'client@sa-east-1__a2',
        'client@sa-east-1__b1',
      ].sort(),
    );
  });

  it('puts d(src→dst) upstream and d(dst→src) downstream', () => {
    const p = plan.find((x) => x.name === 'a1__b1');
    expect(p?.upstream.delayMs).toBe(40);
    expect(p?.downstream.delayMs).toBe(69.5 / 2);
    const intra = plan.find((x) => x.name === 'a1__a2');
    expect([intra?.upstream.delayMs, intra?.downstream.delayMs]).toEqual([2, 2]);
    const client = plan.find((x) => x.name === 'client@sa-east-1__b1');
    expect(client?.upstream.delayMs).toBe(176.5 / 2);
  });

  it('cuts both directions of a two-way partition, on every proxy that crosses it', () => {
    const us = resolveGroup(t, ['us-east-1']);
    const rest = complement(t, us);
    expect([...rest.nodes]).toEqual(['b1']);
    expect([...rest.clientRegions].sort()).toEqual(['eu-west-1', 'sa-east-1']);
    const there = names(streamsBetween(plan, us, rest));
    expect(there).toEqual(
      [
        'a1__b1/upstream',
        'a2__b1/upstream',
        'b1__a1/downstream',
        'b1__a2/downstream',
        'client@eu-west-1__a1/downstream',
        'client@eu-west-1__a2/downstream',
        'client@sa-east-1__a1/downstream',
        'client@sa-east-1__a2/downstream',
      ].sort(),
    );
    const back = names(streamsBetween(plan, rest, us));
    expect(back).toContain('b1__a1/upstream');
    expect(back).toContain('client@sa-east-1__a1/upstream');
    expect(back).not.toContain('a1__a2/upstream');
  });

  it('isolating one node cuts it from its own region and its clients', () => {
    const a1 = resolveGroup(t, ['a1']);
    const rest = complement(t, a1);
    expect(rest.clientRegions.has('us-east-1')).toBe(true);
    const cut = names([...streamsBetween(plan, a1, rest), ...streamsBetween(plan, rest, a1)]);
    expect(cut).toContain('a1__a2/upstream');
    expect(cut).toContain('a2__a1/upstream');
    expect(cut).toContain('client@eu-west-1__a1/upstream');
    expect(cut).not.toContain('a2__b1/upstream');
  });

  it('rejects names that are neither a region nor a node', () => {
    expect(() => resolveGroup(t, ['us-east'])).toThrow('unknown region or node "us-east"');
  });
});

describe('whole-millisecond delays', () => {
  const plan = planProxies(
    topology(`
regions:
  - name: eu-west-1
    replicas: [e1, e2]
  - name: us-east-1
    replicas: [u1]
latency:
  preset: aws
  links:
    - from: eu-west-1
      to: us-east-1
      delay: 40.4ms
replication:
  mode: single-copy
`),
  );
  const whole = (name: string) => {
    const p = plan.find((x) => x.name === name);
    if (!p) throw new Error(name);
    return wholeMillisecondDelays(p);
  };

  it('keeps a 1 ms RTT at 1 ms over one connection and over two', () => {
    expect(whole('e1__e2')).toEqual({ upstream: 1, downstream: 0 });
    expect(whole('e2__e1')).toEqual({ upstream: 0, downstream: 1 });
  });

  it('rounds the RTT once and gives each direction within 1 ms of its delay', () => {
    // d(eu→us) = 40.4, d(us→eu) = 69.5 / 2 = 34.75: RTT 75.15 → 75.
    expect(whole('e1__u1')).toEqual({ upstream: 40, downstream: 35 });
    expect(whole('u1__e1')).toEqual({ upstream: 35, downstream: 40 });
  });

  it('never gives a negative delay', () => {
    for (const p of plan) {
      const w = wholeMillisecondDelays(p);
      expect(w.upstream).toBeGreaterThanOrEqual(0);
      expect(w.downstream).toBeGreaterThanOrEqual(0);
    }
  });
});
