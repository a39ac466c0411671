import { formatLostWrites } from '../../../src/checker/staleness';
import { skewRun } from '../../../src/runtime/sim/leaderless-scenarios';

// One replica's clock 500 ms fast; three replicas' clients write each of 30 keys in turn,
// 100 ms apart, the skewed one first (src/runtime/sim/leaderless-scenarios.ts).
describe('leaderless under clock skew', () => {
  it('loses acknowledged writes silently with last-write-wins on wall clocks, and the checker counts them', () => {
    const r = skewRun({ seed: 1, conflicts: 'lww' });
    expect(r.acknowledged).toBe(90);
    // Every key: the two later writes lose to the fast clock's earlier one.
    expect(r.lostWrites.verdict).toBe('lost');
    expect(r.lostWrites.lost).toHaveLength(60);
    expect(formatLostWrites(r.lostWrites)).toContain('lost writes: 60 of 90 acknowledged');
  });

  it('loses none with siblings: every acknowledged value is in its key’s final read', () => {
    const r = skewRun({ seed: 1, conflicts: 'siblings' });
    expect(r.acknowledged).toBe(90);
    expect(r.missing).toBe(0);
    expect(r.lostWrites.lost).toHaveLength(0);
  });

  it('loses none with hybrid logical clocks here: each writer had seen the fast clock’s write', () => {
    // HLC orders a write after every stamp its coordinator observed; a replica that had not
    // yet received the fast write would still stamp below it (HLC gives causality, not time).
    expect(skewRun({ seed: 1, conflicts: 'lww', timestamps: 'hlc' }).lostWrites.lost).toHaveLength(
      0,
    );
  });

  it('loses none with last-write-wins when clocks agree', () => {
    expect(skewRun({ seed: 1, conflicts: 'lww', skewMs: 0 }).lostWrites.lost).toHaveLength(0);
  });
});
