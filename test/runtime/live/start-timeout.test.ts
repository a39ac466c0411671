import { defaultStartTimeoutMs } from '../../../src/runtime/live/cluster';

// 27 replica processes starting at once on this 2-core machine took 32 s to all listen under
// other work, and the flat 30 s start timeout then stopped the cluster before it was up
// (docs/reliability/scale.md): the default grows with the replica count.
describe('the cluster start timeout', () => {
  it('stays 30 s for small clusters and grows with the replica count', () => {
    expect(defaultStartTimeoutMs(1)).toBe(30_000);
    expect(defaultStartTimeoutMs(9)).toBe(30_000);
    expect(defaultStartTimeoutMs(27)).toBe(81_000);
    expect(defaultStartTimeoutMs(27)).toBeGreaterThan(2 * 32_300);
  });
});
