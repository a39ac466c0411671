/**
 * Round-trip-time statistics for one peer, updated per sample by a pure function.
 * The smoothed estimate and its variation follow TCP's (RFC 6298 §2: α = 1/8, β = 1/4), so the
 * numbers read the way network people expect; `minMs` approximates the propagation delay
 * (what the topology configures), `lastMs` shows jitter as it happens.
 */
export type RttStats = {
  readonly samples: number;
  readonly lastMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Smoothed RTT (SRTT). */
  readonly srttMs: number;
  /** RTT variation (RTTVAR). */
  readonly rttvarMs: number;
  /** Local time of the latest sample. */
  readonly at: number;
};

const ALPHA = 1 / 8;
const BETA = 1 / 4;

/** The statistics after one more sample of `rttMs`, taken at local time `at`. */
export function observeRtt(prev: RttStats | undefined, rttMs: number, at: number): RttStats {
  if (prev === undefined) {
    // RFC 6298 §2.2: the first measurement R sets SRTT = R and RTTVAR = R/2.
    return {
      samples: 1,
      lastMs: rttMs,
      minMs: rttMs,
      maxMs: rttMs,
      srttMs: rttMs,
      rttvarMs: rttMs / 2,
      at,
    };
  }
  return {
    samples: prev.samples + 1,
    lastMs: rttMs,
    minMs: Math.min(prev.minMs, rttMs),
    maxMs: Math.max(prev.maxMs, rttMs),
    // §2.3: RTTVAR uses the SRTT from before this sample.
    rttvarMs: (1 - BETA) * prev.rttvarMs + BETA * Math.abs(prev.srttMs - rttMs),
    srttMs: (1 - ALPHA) * prev.srttMs + ALPHA * rttMs,
    at,
  };
}
