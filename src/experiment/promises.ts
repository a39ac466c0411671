/**
 * What each mode promises its clients, as checkers can judge it. `geolab run` and `geolab sim`
 * exit 1 when a run breaks a promise; a mode that promises nothing is only measured (async
 * replication loses acknowledged writes by design: that is a finding, not a failure).
 */
import type { Topology } from '../topology';

export type PromiseChecker = 'linearizable' | 'causal' | 'no-lost-updates' | 'converges';

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
            { checker: 'no-lost-updates', because: `${r.resolver} CRDTs merge concurrent updates` },
          ];
    case 'leaderless':
      return [];
  }
}
