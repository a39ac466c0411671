import { latencyDelayMs } from '../../../src/proxy/toxics';
import { seeded } from '../harness';

describe('latencyDelayMs', () => {
  it('is the latency itself without jitter', () => {
    expect(latencyDelayMs({ latency: 50, jitter: 0 }, () => 0.99)).toBe(50);
  });

  it('draws integers uniformly in [latency - jitter, latency + jitter)', () => {
    const random = seeded(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const d = latencyDelayMs({ latency: 50, jitter: 5 }, random);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(45);
      expect(d).toBeLessThan(55);
      seen.add(d);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([45, 46, 47, 48, 49, 50, 51, 52, 53, 54]);
  });

  it('maps the ends of the random range to the ends of the interval', () => {
    expect(latencyDelayMs({ latency: 10, jitter: 20 }, () => 0)).toBe(-10);
    expect(latencyDelayMs({ latency: 10, jitter: 20 }, () => 0.999999)).toBe(29);
  });

  it('replays the same delays from the same seed', () => {
    const a = seeded(42);
    const b = seeded(42);
    const attrs = { latency: 100, jitter: 30 };
    for (let i = 0; i < 100; i++) expect(latencyDelayMs(attrs, a)).toBe(latencyDelayMs(attrs, b));
  });
});
