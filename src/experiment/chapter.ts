/**
 * The chapter's outcomes for a partition that cuts off the region holding the raft leader,
 * the async primary and the single-copy owner (issue 9; DDIA ch. 9), as claims a compare run
 * either shows or not. `npm run bench:compare` checks them over many seeds, live or simulated;
 * test/experiment/compare.test.ts checks them, in more detail, on the README's seed.
 */
import type { ModeRun } from './compare';
import type { RunResults } from './results';

export interface Claim {
  readonly claim: string;
  readonly holds: boolean;
  /** The availability during the partition, per region, of the mode the claim is about. */
  readonly measured?: string;
}

export function chapterClaims(runs: readonly ModeRun[], cut: string): Claim[] {
  const of = (mode: string): RunResults | undefined => runs.find((r) => r.mode === mode)?.results;
  const during = (r: RunResults | undefined): Record<string, number | null> =>
    r?.faults.find((f) => f.kind === 'partition')?.availability ?? {};
  const others = (r: RunResults | undefined) =>
    Object.entries(during(r)).filter(([region]) => region !== cut);
  const claims: Claim[] = [];
  const add = (claim: string, holds: () => boolean) => claims.push({ claim, holds: holds() });
  const raft = of('raft');
  if (raft) {
    add('raft linearizable', () => raft.checkers.linearizable === 'ok');
    add('raft unavailable in the cut-off region (< 10%)', () => (during(raft)[cut] ?? 1) < 0.1);
    add('raft carries on on the majority side (> 90%)', () =>
      others(raft).every(([, a]) => (a ?? 0) > 0.9),
    );
  }
  const single = of('single-copy');
  if (single) {
    add('single-copy linearizable', () => single.checkers.linearizable === 'ok');
    add('single-copy unavailable on the side cut off from the copy (< 10%)', () =>
      others(single).every(([, a]) => (a ?? 1) < 0.1),
    );
  }
  for (const mode of ['leaderless:ONE', 'multi-leader:automerge', 'multi-leader:lww']) {
    const r = of(mode);
    if (!r) continue;
    add(`${mode} available on both sides (100%)`, () =>
      Object.values(during(r)).every((a) => a === 1),
    );
    claims[claims.length - 1] = { ...claims[claims.length - 1], measured: shares(during(r)) };
    add(`${mode} serves stale reads`, () => r.staleness.staleFraction > 0);
  }
  const crdt = of('multi-leader:automerge');
  if (crdt) {
    add('multi-leader:automerge converges', () => crdt.convergence.verdict === 'converged');
    add(
      'multi-leader:automerge loses no append or increment',
      () => (crdt.lostWrites.byFunction.append ?? 0) === 0 && crdt.lostIncrements.lost === 0,
    );
  }
  const lww = of('multi-leader:lww');
  if (lww) add('multi-leader:lww loses acknowledged increments', () => lww.lostIncrements.lost > 0);
  const async = of('async');
  if (async) {
    add('async loses acknowledged writes', () => (async.lostWrites.byFunction.append ?? 0) > 0);
  }
  return claims;
}

function shares(availability: Record<string, number | null>): string {
  return Object.entries(availability)
    .map(([region, a]) => `${region} ${a === null ? '—' : `${(100 * a).toFixed(1)}%`}`)
    .join(', ');
}
