import {
  partitionRun,
  type Availability,
  type PartitionResult,
} from '../../../src/runtime/sim/leaderless-scenarios';

// The largest region (us-east-1: 4 nodes, 2 replicas per key) cut from eu-west-1 and
// ap-northeast-1 (2 nodes and 2 replicas per key each) for 20 s; n = 6, QUORUM = 4.
// src/runtime/sim/leaderless-scenarios.ts tells the whole story.

const rate = (a: Availability): number => (a.total === 0 ? NaN : a.ok / a.total);

function table(r: PartitionResult, kind: 'write' | 'read'): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [region, levels] of Object.entries(r.availability)) {
    out[region] = {};
    for (const [level, a] of Object.entries(levels)) out[region][level] = rate(a[kind]);
  }
  return out;
}

describe('leaderless under a partition of the largest region', () => {
  const strict = partitionRun({ seed: 1, sloppy: false });
  const sloppy = partitionRun({ seed: 1, sloppy: true });

  it('keeps LOCAL_QUORUM (and ONE) available on both sides; QUORUM only where 4 replicas are reachable; EACH_QUORUM nowhere', () => {
    for (const kind of ['write', 'read'] as const) {
      expect(table(strict, kind)).toEqual({
        'us-east-1': { ONE: 1, LOCAL_QUORUM: 1, QUORUM: 0, EACH_QUORUM: 0 },
        'eu-west-1': { ONE: 1, LOCAL_QUORUM: 1, QUORUM: 1, EACH_QUORUM: 0 },
        'ap-northeast-1': { ONE: 1, LOCAL_QUORUM: 1, QUORUM: 1, EACH_QUORUM: 0 },
      });
    }
    // Once failure detection marks the far side down, nothing is even sent: a definite fail.
    const eastQuorum = strict.availability['us-east-1'].QUORUM.write;
    expect(eastQuorum.fail).toBe(eastQuorum.total);
    expect(eastQuorum.total).toBeGreaterThan(100);
  });

  it('converges every replica after the heal by hinted handoff, and loses nothing acknowledged at QUORUM', () => {
    expect(strict.convergenceMs).not.toBeNull();
    expect(strict.convergenceMs).toBeLessThan(1000);
    expect(strict.lostQuorumWrites).toBe(0);
    expect(strict.lostWrites.verdict).toBe('ok');
    // Strict quorums intersect: no QUORUM read missed a QUORUM write acknowledged before it.
    expect(strict.staleByLevel.QUORUM.stale).toBe(0);
    expect(strict.staleByLevel.QUORUM.reads).toBeGreaterThan(100);
  });

  it('converges by anti-entropy alone when the partition outlasts the hint window', () => {
    const noHints = partitionRun({ seed: 1, sloppy: false, hintWindow: '1s' });
    expect(noHints.convergenceMs).not.toBeNull();
    expect(noHints.convergenceMs).toBeGreaterThan(strict.convergenceMs ?? Infinity);
    expect(noHints.lostWrites.verdict).toBe('ok');
  });

  it('with a sloppy quorum keeps QUORUM writes available in the cut-off region, and the checker reports stale reads', () => {
    expect(rate(sloppy.availability['us-east-1'].QUORUM.write)).toBe(1);
    expect(rate(sloppy.availability['us-east-1'].QUORUM.read)).toBe(1);
    // West's QUORUM readers read east's QUORUM key from four west replicas, none of which has
    // the writes the east's stand-ins took.
    expect(sloppy.staleByLevel.QUORUM.stale).toBeGreaterThan(50);
    expect(sloppy.staleness.summary.stale).toBeGreaterThan(strict.staleness.summary.stale);
    // Once healed, the stand-ins hand their hints off: nothing lost, all replicas agree.
    expect(sloppy.convergenceMs).not.toBeNull();
    expect(sloppy.lostWrites.verdict).toBe('ok');
  });
});
