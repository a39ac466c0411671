import {
  compareHlc,
  decodeHlc,
  encodeHlc,
  HLC_ZERO,
  hlcNow,
  hlcReceive,
  isHlc,
  MAX_C,
  MAX_L,
  type Hlc,
} from '../../../src/core/clocks';
import { Rng } from '../../../src/core/random';

describe('hybrid logical clocks', () => {
  it('follows physical time when it advances and counts when it does not', () => {
    let t = hlcNow(HLC_ZERO, 100);
    expect(t).toEqual({ l: 100, c: 0 });
    t = hlcNow(t, 100);
    expect(t).toEqual({ l: 100, c: 1 });
    t = hlcNow(t, 99.7); // a clock stepped backwards: HLC does not
    expect(t).toEqual({ l: 100, c: 2 });
    expect(hlcNow(t, 101.9)).toEqual({ l: 101, c: 0 });
  });

  it('receives as Figure 5 of Kulkarni et al.', () => {
    const rec = (clock: Hlc, remote: Hlc, pt: number): Hlc => {
      const r = hlcReceive(clock, remote, pt);
      if (!r.ok) throw new Error('unexpected drift');
      return r.clock;
    };
    expect(rec({ l: 10, c: 3 }, { l: 10, c: 5 }, 9)).toEqual({ l: 10, c: 6 });
    expect(rec({ l: 10, c: 3 }, { l: 8, c: 5 }, 9)).toEqual({ l: 10, c: 4 });
    expect(rec({ l: 8, c: 3 }, { l: 10, c: 5 }, 9)).toEqual({ l: 10, c: 6 });
    expect(rec({ l: 8, c: 3 }, { l: 9, c: 5 }, 12)).toEqual({ l: 12, c: 0 });
  });

  it('rejects a remote clock too far ahead when asked to', () => {
    const r = hlcReceive({ l: 10, c: 0 }, { l: 600, c: 0 }, 100, { maxDriftMs: 250 });
    expect(r).toEqual({ ok: false, reason: 'drift', driftMs: 500 });
    expect(hlcReceive({ l: 10, c: 0 }, { l: 350, c: 0 }, 100, { maxDriftMs: 250 }).ok).toBe(true);
    expect(hlcReceive({ l: 10, c: 0 }, { l: 600, c: 0 }, 100).ok).toBe(true);
  });

  it('encodes to fixed-width strings that sort like the timestamps', () => {
    const rng = new Rng('hlc-encode');
    const stamps = Array.from({ length: 500 }, () => ({
      l: rng.below(2 ** 32) * 2 ** 14 + rng.below(4),
      c: rng.below(3),
    }));
    for (const x of stamps) {
      expect(decodeHlc(encodeHlc(x))).toEqual(x);
      for (const y of stamps.slice(0, 20)) {
        const byString = encodeHlc(x) < encodeHlc(y) ? -1 : encodeHlc(x) > encodeHlc(y) ? 1 : 0;
        expect(byString).toBe(Math.sign(compareHlc(x, y)));
      }
    }
    expect(encodeHlc({ l: 1, c: 2 })).toBe('000000000001.00000002');
    expect(encodeHlc({ l: MAX_L, c: MAX_C })).toBe('ffffffffffff.ffffffff');
    expect(() => encodeHlc({ l: -1, c: 0 })).toThrow(RangeError);
    expect(() => encodeHlc({ l: 1.5, c: 0 })).toThrow(RangeError);
    for (const bad of ['', '1.2', '000000000001.0000000g', '000000000001-00000002']) {
      expect(decodeHlc(bad)).toBeUndefined();
    }
    expect(isHlc({ l: 1, c: 0 })).toBe(true);
    expect(isHlc({ l: 1 })).toBe(false);
    expect(isHlc(null)).toBe(false);
  });

  it('is monotonic, ≥ physical time, causal and bounded by skew in a random skewed cluster', () => {
    // Four nodes whose physical clocks are offset by up to ±maxSkew from true time; true time
    // advances irregularly; messages are delivered in random order. Checks the paper's claims.
    const rng = new Rng('hlc-cluster');
    const maxSkew = 50;
    const offsets = [0, 37, -50, 12];
    const clocks: Hlc[] = offsets.map(() => HLC_ZERO);
    const last: Hlc[] = offsets.map(() => HLC_ZERO);
    const inFlight: { to: number; stamp: Hlc }[] = [];
    let now = 1000;
    for (let step = 0; step < 20_000; step++) {
      now += rng.below(3);
      const p = rng.below(offsets.length);
      const pt = now + offsets[p];
      let stamp: Hlc;
      if (inFlight.length > 0 && rng.next() < 0.5) {
        const m = inFlight.splice(rng.below(inFlight.length), 1)[0];
        const q = m.to;
        const r = hlcReceive(clocks[q], m.stamp, now + offsets[q], { maxDriftMs: 2 * maxSkew });
        if (!r.ok) throw new Error(`drift ${r.driftMs} beyond the cluster's skew`);
        expect(compareHlc(r.clock, m.stamp)).toBeGreaterThan(0); // causality
        clocks[q] = r.clock;
        stamp = r.clock;
        expect(compareHlc(stamp, last[q])).toBeGreaterThan(0);
        last[q] = stamp;
        expect(stamp.l).toBeGreaterThanOrEqual(Math.floor(now + offsets[q]));
      } else {
        stamp = hlcNow(clocks[p], pt);
        clocks[p] = stamp;
        expect(compareHlc(stamp, last[p])).toBeGreaterThan(0); // strictly monotonic
        last[p] = stamp;
        expect(stamp.l).toBeGreaterThanOrEqual(Math.floor(pt)); // l ≥ pt
        inFlight.push({ to: rng.below(offsets.length), stamp });
      }
      // l never runs ahead of the fastest physical clock: l − true time ≤ maxSkew.
      expect(stamp.l - now).toBeLessThanOrEqual(maxSkew);
    }
  });
});
