import { checkCausal } from '../../../src/checker/causal';
import { MULTI_LEADER_DEFAULTS } from '../../../src/modes/multi-leader/config';
import type { ResolverName } from '../../../src/modes/multi-leader/resolvers';
import { shardOf } from '../../../src/modes/multi-leader/resolvers/hashing';
import { driveWorkload } from '../../../src/runtime/sim';
import { multiLeaderSimulation, report, threeRegions } from './support';

// DDIA's "answer seen before the question" (ch. 5, "Consistent Prefix Reads"; ch. 9,
// causality), on two keys that live in different documents. Region a asks, region b reads
// the question and answers, region c reads the answer and then the question. The link a → c
// is slow (2 s, scripted), so c hears b's answer long before a's question. Without causal
// delivery c applies the answer at once and reads the question as absent: the causal checker
// finds the violation. With it, c holds the answer until the question is applied: no
// violation, and the answer's visibility at c pays the wait. The wait is short, not 2 s:
// c sees from b's vector that b has the question, asks, and b resends it (anti-entropy relays
// any origin's updates), so the question reaches c through b.

const QUESTION = 'question';
const ANSWER = 'answer';

function story(resolver: ResolverName, causal: boolean) {
  const t = threeRegions(resolver, { causal, replicas: 1 });
  const s = multiLeaderSimulation(t, `causal-${resolver}-${causal}`);
  const { sim } = s;
  sim.network.addLatency(['a'], ['c'], { kind: 'constant', ms: 2000 });
  const asker = sim.client('a');
  const answerer = sim.client('b');
  const watcher = sim.client('c');
  let answeredAt: number | undefined;
  let answerSeenAt: number | undefined;
  sim.at(1000, () => asker.invoke({ f: 'write', key: QUESTION, value: 'Why is the sky blue?' }));
  const poll = (): void => {
    answerer.invoke({ f: 'read', key: QUESTION }, {}, (r) => {
      if (r.type === 'ok' && r.value !== null) {
        answerer.invoke({ f: 'write', key: ANSWER, value: 'Rayleigh scattering' }, {}, () => {
          answeredAt = sim.now;
        });
      } else {
        sim.at(sim.now + 10, poll);
      }
    });
  };
  sim.at(1000, poll);
  const watch = (): void => {
    if (sim.now > 6000) return;
    watcher.invoke({ f: 'read', key: ANSWER }, {}, (r) => {
      if (r.type === 'ok' && r.value !== null) answerSeenAt ??= sim.now;
      watcher.invoke({ f: 'read', key: QUESTION }, {}, () => sim.at(sim.now + 10, watch));
    });
  };
  sim.at(1000, watch);
  sim.runUntil(8000);
  return {
    verdict: checkCausal(sim.history),
    answerVisibleMs: (answerSeenAt ?? Infinity) - (answeredAt ?? 0),
    causalWait: s.replicas.get('c-n1')?.stats().causalWait,
  };
}

describe.each(['lww', 'automerge', 'yjs'] as const)(
  'answer before question, resolver %s',
  (resolver) => {
    it('puts the two keys in different documents', () => {
      expect(shardOf(QUESTION, MULTI_LEADER_DEFAULTS.shards)).not.toBe(
        shardOf(ANSWER, MULTI_LEADER_DEFAULTS.shards),
      );
    });

    it('shows the answer before the question without causal delivery: the checker says so', () => {
      const off = story(resolver, false);
      expect(off.verdict.verdict).toBe('violation');
      expect(off.verdict.counts.WriteCOInitRead).toBeGreaterThan(0);
      report(
        `${resolver}, causal off: ${off.verdict.counts.WriteCOInitRead} reads of the question as absent after the answer; answer visible at c ${off.answerVisibleMs} ms after b's ack`,
      );
    });

    it('never does with causal delivery, at the price of visibility', () => {
      const on = story(resolver, true);
      expect(on.verdict.verdict).toBe('causal');
      expect(on.causalWait?.count).toBeGreaterThan(0);
      expect(on.answerVisibleMs).toBeLessThan(2000);
      report(
        `${resolver}, causal on: no violation; answer visible at c ${on.answerVisibleMs} ms after b's ack (held ${Math.round(on.causalWait?.max ?? 0)} ms waiting for the question)`,
      );
    });
  },
);

describe('what causal delivery costs under a plain workload (jittered links, no scripted delay)', () => {
  it('reports visibility and metadata bytes per op, on and off', () => {
    const measure = (causal: boolean) => {
      const t = threeRegions('yjs', { causal });
      const s = multiLeaderSimulation(t, 'cost');
      s.sim.network.addLatency(['a', 'b', 'c'], ['a', 'b', 'c'], { kind: 'exponential', mean: 20 });
      driveWorkload(s.sim, t, s.sim.random('workload'), {
        durationMs: 20_000,
        workload: { rate: 50, keys: 100, mix: { read: 0.5, write: 0.3, increment: 0.2 } },
      });
      s.sim.runUntil(25_000);
      const stats = [...s.replicas.values()].map((r) => r.stats());
      const sealed = stats.reduce(
        (sum, x) => ({ ops: sum.ops + x.sealed.ops, meta: sum.meta + x.sealed.metadataBytes }),
        { ops: 0, meta: 0 },
      );
      const leaders = stats.filter((x) => x.role === 'leader');
      const visibility = leaders.map((x) => x.visibility);
      return {
        metaPerOp: sealed.meta / sealed.ops,
        p50: Math.max(...visibility.map((v) => v.p50)),
        p99: Math.max(...visibility.map((v) => v.p99)),
        waits: leaders.reduce((n, x) => n + x.causalWait.count, 0),
      };
    };
    const off = measure(false);
    const on = measure(true);
    report(
      `plain workload, leaders: causal off visibility p50 ${off.p50.toFixed(0)} ms p99 ${off.p99.toFixed(0)} ms, ${off.metaPerOp.toFixed(1)} metadata B/op; causal on p50 ${on.p50.toFixed(0)} ms p99 ${on.p99.toFixed(0)} ms, ${on.metaPerOp.toFixed(1)} B/op, ${on.waits} batches held`,
    );
    expect(off.waits).toBe(0);
    expect(on.p99).toBeGreaterThanOrEqual(off.p99 * 0.9);
  });
});
