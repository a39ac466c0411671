import { completedOps } from '../../../src/checker/causal';
import { findLostIncrements } from '../../../src/checker/staleness';
import type { Op } from '../../../src/core/messages/client';
import type { ResolverName } from '../../../src/modes/multi-leader/resolvers';
import type { SimClient } from '../../../src/runtime/sim';
import {
  multiLeaderSimulation,
  report,
  threeRegions,
  timeToConverge,
  type MultiLeaderSim,
} from './support';

// The issue's partition story: regions a and b are cut off from c for 30 s while every region
// writes the same registers, increments the same counters and (CRDTs) edits one text. Every
// region must stay available; after the heal all six replicas must reach one state; the CRDTs
// must keep every increment and every insertion; LWW's lost increments are counted.

const START_MS = 2000;
const PARTITION_MS = 10_000;
const HEAL_MS = PARTITION_MS + 30_000;
const REGISTERS = ['k0', 'k1', 'k2', 'k3', 'k4'];
const COUNTERS = ['c0', 'c1', 'c2'];
const TEXT = 'doc';

interface Outcome {
  readonly s: MultiLeaderSim;
  /** Per region: ops invoked during the partition that completed ok, and all that completed. */
  readonly availability: Map<string, { ok: number; all: number }>;
  readonly convergedAt: number | undefined;
  /** Text insertions acknowledged to clients. */
  readonly inserted: string[];
}

function run(resolver: ResolverName): Outcome {
  const t = threeRegions(resolver);
  const s = multiLeaderSimulation(t, `partition-${resolver}`);
  const { sim } = s;
  const withText = resolver !== 'lww';
  const inserted: string[] = [];

  // Region a creates the counters and the text, and everyone has them before the partition:
  // objects created concurrently would be siblings (see the resolvers' tests).
  const setup = sim.client('a', { node: 'a-n1' });
  const first: Op[] = COUNTERS.map((key): Op => ({ f: 'increment', key, value: 1 }));
  if (withText) first.push({ f: 'text', key: TEXT, value: { index: 0, delete: 0, insert: '| ' } });
  const next = (): void => {
    const op = first.shift();
    if (op !== undefined) setup.invoke(op, {}, next);
  };
  sim.at(100, next);

  // Two clients per region, one on each replica (the follower forwards to its leader).
  const rng = sim.random('clients');
  let n = 0;
  for (const region of ['a', 'b', 'c']) {
    for (const node of [`${region}-n1`, `${region}-n2`]) {
      const client = sim.client(region, { node });
      loop(client, () => {
        const u = rng.next();
        const key = (keys: readonly string[]) => keys[rng.below(keys.length)];
        const value = `${node}:${++n}`;
        if (u < 0.4) return { f: 'write', key: key(REGISTERS), value };
        if (u < 0.8 || !withText) return { f: 'increment', key: key(COUNTERS), value: 1 };
        // At either end: an insertion in the middle could land inside an earlier one and
        // split it, which is an edit, not a loss, but would hide it from the check below.
        const index = rng.next() < 0.5 ? 0 : 1_000_000_000;
        return { f: 'text', key: TEXT, value: { index, delete: 0, insert: `<${value}>` } };
      });
    }
  }
  function loop(client: SimClient, op: () => Op): void {
    const issue = (): void => {
      if (sim.now >= HEAL_MS) return;
      const o = op();
      client.invoke(o, {}, (r) => {
        if (r.type === 'ok' && o.f === 'text') inserted.push(o.value.insert);
        sim.at(sim.now + 40, issue);
      });
    };
    sim.at(START_MS, issue);
  }

  sim.at(PARTITION_MS, () => {
    sim.recordNemesis('start-partition', 'a b | c');
    sim.network.partition(['a', 'b'], ['c']);
  });
  sim.at(HEAL_MS, () => {
    sim.heal();
    sim.recordNemesis('heal');
  });
  sim.runUntil(HEAL_MS);
  const convergedAt = timeToConverge(s, HEAL_MS + 30_000);

  // Every region reads every key once the states agree: the history then holds the finals.
  for (const region of ['a', 'b', 'c']) {
    const reader = sim.client(region, { node: `${region}-n1` });
    const keys = [...REGISTERS, ...COUNTERS, ...(withText ? [TEXT] : [])];
    const read = (): void => {
      const key = keys.shift();
      if (key !== undefined) reader.invoke({ f: 'read', key }, {}, read);
    };
    sim.at(sim.now, read);
  }
  sim.runFor(2000);

  const availability = new Map<string, { ok: number; all: number }>();
  for (const op of completedOps(sim.history)) {
    if (op.region === undefined || op.call < PARTITION_MS || op.call >= HEAL_MS) continue;
    const a = availability.get(op.region) ?? { ok: 0, all: 0 };
    a.all++;
    if (op.type === 'ok') a.ok++;
    availability.set(op.region, a);
  }
  return { s, availability, convergedAt, inserted };
}

describe.each(['automerge', 'yjs', 'lww'] as const)('a 30 s partition, resolver %s', (resolver) => {
  const outcome = run(resolver);
  const { s, availability } = outcome;

  it('keeps every region available during the partition', () => {
    const shown: string[] = [];
    for (const region of ['a', 'b', 'c']) {
      const a = availability.get(region) ?? { ok: 0, all: 0 };
      shown.push(`${region} ${((100 * a.ok) / a.all).toFixed(1)}% of ${a.all}`);
      expect(a.all).toBeGreaterThan(500);
      expect(a.ok / a.all).toBeGreaterThanOrEqual(0.99);
    }
    report(`${resolver}: availability during the partition: ${shown.join(', ')}`);
  });

  it('brings all six replicas to one state after the heal', () => {
    expect(outcome.convergedAt).toBeDefined();
    const ms = (outcome.convergedAt ?? 0) - HEAL_MS;
    const conflicts = [...s.replicas.values()].reduce((sum, r) => sum + r.stats().conflicts, 0);
    report(`${resolver}: converged ${ms} ms after the heal; ${conflicts} conflicts detected`);
    expect(ms).toBeLessThan(10_000);
  });

  it(
    resolver === 'lww' ? 'loses concurrent increments, and counts them' : 'loses no increment',
    () => {
      const lost = findLostIncrements(s.sim.history);
      expect(lost.verdict).not.toBe('unknown');
      report(
        `${resolver}: ${lost.acknowledged} increments acknowledged, ${lost.lost} lost (${lost.keys.map((k) => `${k.key} ${k.final}/${k.acknowledged}`).join(', ')})`,
      );
      if (resolver === 'lww') expect(lost.lost).toBeGreaterThan(0);
      else expect(lost.lost).toBe(0);
    },
  );

  if (resolver !== 'lww') {
    it('keeps every acknowledged text insertion', () => {
      const text = String(s.replicas.get('c-n2')?.peek(TEXT));
      const missing = outcome.inserted.filter((token) => !text.includes(token));
      report(
        `${resolver}: ${outcome.inserted.length} text insertions acknowledged, ${missing.length} missing; text is ${text.length} characters`,
      );
      expect(outcome.inserted.length).toBeGreaterThan(100);
      expect(missing).toEqual([]);
    });
  }
});
