import { Leaderless } from '../../../src/modes/leaderless/leaderless';
import { leaderlessConfigOf } from '../../../src/runtime/leaderless-config';
import { driveWorkload } from '../../../src/runtime/sim';
import { Simulation, type SimMessage } from '../../../src/runtime/sim/simulation';
import { topology } from './support';

// Heartbeats only on idle links: a peer that was sent anything since the last tick needs no
// heartbeat, since any message proves its sender alive. All-to-all heartbeats every 200 ms
// were 3,510 messages a second at 27 live replicas, more than the client load's own traffic
// (docs/reliability/scale.md).

const TOPOLOGY = `
regions:
  - { name: us-east-1, replicas: 3 }
  - { name: eu-west-1, replicas: 3 }
  - { name: ap-northeast-1, replicas: 3 }
latency: { preset: aws, jitter: 2ms }
replication:
  mode: leaderless
  replicationFactor: 3
  read: QUORUM
  write: QUORUM
clients: { perRegion: 2, timeout: 2s }
workload:
  keys: 20
  concurrency: 4
  mix: { read: 0.5, write: 0.5 }
`;

const INTERVAL_MS = 200;
const REPLICAS = 9;

function run(load: boolean): { messages: SimMessage[]; ok: number; notOk: number } {
  const t = topology(TOPOLOGY);
  const config = leaderlessConfigOf(t);
  expect(config.heartbeatIntervalMs).toBe(INTERVAL_MS);
  const messages: SimMessage[] = [];
  const sim = new Simulation({
    topology: t,
    seed: 3,
    replica: (env) => new Leaderless(env, config),
    onMessage: (m) => messages.push(m),
  });
  if (load) driveWorkload(sim, t, sim.random('workload'), { durationMs: 10_000 });
  sim.runUntil(10_000);
  const ok = sim.history.filter((h) => h.type === 'ok').length;
  const notOk = sim.history.filter((h) => h.type === 'fail' || h.type === 'info').length;
  return { messages, ok, notOk };
}

const isReplica = (node: string) => /-n\d+$/.test(node);

/** The longest silence on any replica-to-replica link, by send time, over [from, to). */
function longestSilence(messages: readonly SimMessage[], from: number, to: number): number {
  const last = new Map<string, number>();
  let longest = 0;
  for (const m of messages) {
    if (!isReplica(m.from) || !isReplica(m.to) || m.sentAt < from || m.sentAt >= to) continue;
    const link = `${m.from}>${m.to}`;
    longest = Math.max(longest, m.sentAt - (last.get(link) ?? from));
    last.set(link, m.sentAt);
  }
  expect(last.size).toBe(REPLICAS * (REPLICAS - 1));
  for (const at of last.values()) longest = Math.max(longest, to - at);
  return longest;
}

const heartbeats = (messages: readonly SimMessage[]) =>
  messages.filter((m) => m.type.endsWith('heartbeat')).length;

describe('leaderless heartbeats', () => {
  it('go to nearly every peer every tick on an idle cluster', () => {
    const { messages } = run(false);
    const allToAll = Math.floor(10_000 / INTERVAL_MS) * REPLICAS * (REPLICAS - 1);
    // Only anti-entropy's exchanges (one peer per interval per replica) stand in for some.
    expect(heartbeats(messages)).toBeGreaterThan(0.9 * allToAll);
    expect(longestSilence(messages, 1_000, 10_000)).toBeLessThanOrEqual(2 * INTERVAL_MS);
  });

  it('are left out on links that carried anything else since the last tick', () => {
    const idle = run(false);
    const busy = run(true);
    expect(busy.ok).toBeGreaterThan(1000);
    // Quorum traffic crosses most links between two ticks: well under half the heartbeats.
    expect(heartbeats(busy.messages)).toBeLessThan(heartbeats(idle.messages) / 2);
    // Yet every peer still hears from every other at least every second tick, well inside
    // the failure timeout (1 s): no peer is thought down, no op fails or times out.
    expect(longestSilence(busy.messages, 1_000, 10_000)).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(busy.notOk).toBe(0);
  });
});
