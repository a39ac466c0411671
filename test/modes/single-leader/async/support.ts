import type { TimedEvent } from '../../../../src/checker/leadership';
import type { Env, Replica } from '../../../../src/core/env';
import type { ClientResult, Op } from '../../../../src/core/messages/client';
import type { Json } from '../../../../src/core/json';
import { fromTopology, type AsyncConfig } from '../../../../src/modes/single-leader/async/config';
import { PrimaryBackup } from '../../../../src/modes/single-leader/async/primary-backup';
import { replicaMaker } from '../../../../src/runtime/modes';
import { Simulation, type SimClient } from '../../../../src/runtime/sim';
import { parseTopology, type Topology } from '../../../../src/topology';

/**
 * Four replicas over three regions: the primary's region holds two, so that isolating it
 * leaves a stale primary with a backup on its side, and the far side has two, which elect a
 * new primary between them.
 */
export function topology(
  options: {
    protocol?: 'async' | 'semi-sync';
    fencing?: boolean;
    reads?: 'leader' | 'follower';
    extra?: string;
  } = {},
): Topology {
  const r = parseTopology(
    `
regions:
  - name: us-east-1
    replicas: [a1, a2]
  - name: us-west-2
    replicas: [w1]
  - name: eu-west-1
    replicas: [e1]
latency: { preset: aws, jitter: 2ms }
replication:
  mode: single-leader
  protocol: ${options.protocol ?? 'async'}
  leaderRegion: us-east-1
  reads: ${options.reads ?? 'leader'}
  failoverTimeout: 1s
  heartbeatInterval: 100ms
  fencing: ${String(options.fencing ?? false)}
clients: { perRegion: 2, timeout: 1s }
workload:
  keys: 4
  concurrency: 2
  mix: { read: 0.4, write: 0.4, cas: 0.2 }
${options.extra ?? ''}`,
    'async.yaml',
  );
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.topology;
}

/** A simulation of `t` that records every replica event; `config` tweaks the mode's options. */
export function simulation(
  t: Topology,
  seed: number,
  config: Partial<AsyncConfig> = {},
): { sim: Simulation; events: TimedEvent[] } {
  const events: TimedEvent[] = [];
  const base = fromTopology(t);
  const replica =
    Object.keys(config).length === 0
      ? replicaMaker(t)
      : (env: Env): Replica => new PrimaryBackup(env, { ...base, ...config });
  const sim = new Simulation({
    topology: t,
    seed,
    replica,
    onEvent: (node, at, event) => events.push({ node, at, event }),
  });
  return { sim, events };
}

/** Run `op` on `client` now and let the simulation go on for `ms`; the result. */
export function run(
  sim: Simulation,
  client: SimClient,
  op: Op,
  ms = 2000,
  level?: string,
): ClientResult {
  let result: ClientResult | undefined;
  sim.at(sim.now, () =>
    client.invoke(op, level === undefined ? {} : { level }, (r) => (result = r)),
  );
  sim.runFor(ms);
  if (result === undefined) throw new Error(`no result for ${JSON.stringify(op)}`);
  return result;
}

/** What each node holds for `key`, read locally (follower reads) at every node. */
export function valuesEverywhere(sim: Simulation, t: Topology, key: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const n of t.nodes) {
    const r = run(sim, sim.client(n.region, { node: n.id }), { f: 'read', key }, 500, 'follower');
    out[n.id] = r.type === 'ok' ? r.value : `${r.type}: ${r.error}`;
  }
  return out;
}

/** Every node holds the same non-empty value for each key (follower reads at each). */
export function expectConverged(sim: Simulation, t: Topology, keys: readonly string[]): void {
  for (const key of keys) {
    const values = Object.values(valuesEverywhere(sim, t, key));
    expect(values[0]).not.toBeNull();
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1);
  }
}

/** The nodes' role changes, as `node:role:epoch` lines in time order. */
export function roles(events: readonly TimedEvent[]): string[] {
  return events.flatMap(({ node, event }) =>
    event.kind === 'role' ? [`${node}:${event.role}:${event.term ?? ''}`] : [],
  );
}

/** Read every key once, one after another, from `client` (a final read for the checkers). */
export function readAll(sim: Simulation, client: SimClient, keys: readonly string[]): void {
  const next = (i: number): void => {
    if (i < keys.length) client.invoke({ f: 'read', key: keys[i] }, {}, () => next(i + 1));
  };
  sim.at(sim.now, () => next(0));
}
