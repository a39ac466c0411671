/**
 * What each mode promises its clients, as checkers can judge it. `geolab run` and `geolab sim`
 * exit 1 when a run breaks a promise; a mode that promises nothing is only measured (async
 * replication loses acknowledged writes by design: that is a finding, not a failure).
 */
import type { Topology } from '../topology';

/**
 * `no-lost-updates`: no acknowledged write, append or increment missing from the final reads
 * (Jepsen's lost writes, and lost counter increments). `no-lost-merges`: what a CRDT promises,
 * no acknowledged append or increment lost; a register write may lose to a concurrent one by
 * the library's rule (Automerge: the higher Lamport clock, not the later wall-clock time), so
 * a CRDT's register writes are measured, not promised.
 */
export type PromiseChecker =
  'linearizable' | 'causal' | 'no-lost-updates' | 'no-lost-merges' | 'converges';

export interface Promise {
  readonly checker: PromiseChecker;
  /** Why the mode promises it, in plain words. */
  readonly because: string;
}

export function promisesOf(topology: Topology): Promise[] {
  const r = topology.replication;
  switch (r.mode) {
    case 'single-copy':
      return [
        { checker: 'linearizable', because: 'one copy serves every operation' },
        { checker: 'no-lost-updates', because: 'one copy, written before it acknowledges' },
      ];
    case 'single-leader':
      if (r.protocol !== 'raft') return [];
      return r.reads === 'read-index' || r.reads === 'lease'
        ? [
            { checker: 'linearizable', because: `Raft with ${r.reads} reads` },
            {
              checker: 'no-lost-updates',
              because: 'Raft acknowledges only what a majority stored',
            },
          ]
        : [
            {
              checker: 'no-lost-updates',
              because: 'Raft acknowledges only what a majority stored',
            },
          ];
    case 'multi-leader':
      return r.resolver === 'lww'
        ? [{ checker: 'converges', because: 'every region ends with the same last writer' }]
        : [
            { checker: 'converges', because: `${r.resolver} CRDTs converge` },
            {
              checker: 'no-lost-merges',
              because: `${r.resolver} CRDTs merge concurrent appends and increments`,
            },
          ];
    case 'leaderless':
      return [];
  }
}
