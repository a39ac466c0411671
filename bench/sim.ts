/**
 * npm run bench:sim — the simulator's speed: a 9-replica single-copy cluster (three regions,
 * three replicas each) at 1,000 ops/s for an hour of virtual time (VIRTUAL=1h to change it),
 * with peer messages checked at the sender (the default), through the wire codec, and
 * unchecked, side by side. Prints simulated events/s and the ratio of virtual to wall time.
 */
import { join } from 'node:path';
import { loadTopologyFile, parseDuration } from '../src/topology';
import { replicaMaker } from '../src/runtime/modes';
import { Simulation, driveWorkload } from '../src/runtime/sim';

const VIRTUAL_MS = parseDuration(process.env.VIRTUAL ?? '1h') ?? 3_600_000;
const TOTAL_RATE = Number(process.env.RATE ?? 1000);

function run(codec: 'checked' | 'wire' | 'off'): {
  wallMs: number;
  events: number;
  ops: number;
  historyHash: string;
} {
  const loaded = loadTopologyFile(join(__dirname, '..', 'topologies', 'three-regions.yaml'), {
    mode: 'single-copy',
  });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
  const topology = loaded.topology;
  const clients = topology.regions.reduce((sum, r) => sum + r.clients, 0);
  let ops = 0;
  const started = performance.now();
  const sim = new Simulation({
    topology,
    seed: 1,
    replica: replicaMaker(topology),
    codec,
    keepHistory: false,
    onHistory: (op) => {
      if (op.type !== 'invoke') ops++;
    },
  });
  driveWorkload(sim, topology, sim.random('workload'), {
    durationMs: VIRTUAL_MS,
    workload: { rate: TOTAL_RATE / clients },
  });
  sim.runUntil(VIRTUAL_MS + topology.clientTimeoutMs);
  return {
    wallMs: performance.now() - started,
    events: sim.eventsProcessed,
    ops,
    historyHash: sim.historyHash(),
  };
}

console.log(
  `single-copy, 9 replicas in 3 regions, ${TOTAL_RATE} ops/s, ${VIRTUAL_MS / 1000} s of virtual time`,
);
console.log('messages  wall s   events      events/s   ops        virtual/wall');
const modes = ['checked', 'wire', 'off'] as const;
const results = modes.map((codec) => {
  const r = run(codec);
  console.log(
    `${codec.padEnd(8)} ${(r.wallMs / 1000).toFixed(1).padStart(7)}   ${String(r.events).padEnd(10)}  ${Math.round(
      r.events / (r.wallMs / 1000),
    )
      .toString()
      .padStart(
        8,
      )}   ${String(r.ops).padEnd(9)}  ${(VIRTUAL_MS / r.wallMs).toFixed(1).padStart(6)}×`,
  );
  return r;
});
console.log(
  `wall time, checked/off: ${(results[0].wallMs / results[2].wallMs).toFixed(2)}, wire/off: ${(results[1].wallMs / results[2].wallMs).toFixed(2)}`,
);
console.log(
  `same history every way: ${results.every((r) => r.historyHash === results[0].historyHash)}`,
);
