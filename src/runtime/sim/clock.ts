/**
 * A node's clock in the simulator: local = virtual · (1 + drift) + skew, piecewise, so that a
 * scenario can skew or drift a clock at any moment without making it jump backwards unless
 * asked to (a negative skew step does jump back, as NTP stepping a real clock does).
 */
export class NodeClock {
  /** Local reading at `anchorVirtual`. */
  private anchorLocal = 0;
  private anchorVirtual = 0;
  private drift = 0;

  /** Local time at virtual time `t` (t ≥ the last change). */
  local(t: number): number {
    return this.anchorLocal + (t - this.anchorVirtual) * (1 + this.drift);
  }

  /** Virtual time when the local clock will have advanced `localMs` from virtual time `t`. */
  virtualAfter(t: number, localMs: number): number {
    return t + localMs / (1 + this.drift);
  }

  /** Step the clock by `ms` at virtual time `t` (positive: ahead). */
  skew(t: number, ms: number): void {
    this.anchorLocal = this.local(t) + ms;
    this.anchorVirtual = t;
  }

  /** From `t` on, the clock runs at (1 + drift) times real speed; drift > −1. */
  setDrift(t: number, drift: number): void {
    if (!(drift > -1)) throw new RangeError(`clock drift must be > -1, got ${drift}`);
    this.anchorLocal = this.local(t);
    this.anchorVirtual = t;
    this.drift = drift;
  }

  get currentDrift(): number {
    return this.drift;
  }
}
