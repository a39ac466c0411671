/**
 * Hybrid logical clocks (Kulkarni, Demirbas, Madeppa, Avva & Leone, "Logical Physical Clocks
 * and Consistent Snapshots in Globally Distributed Databases", OPODIS 2014, Figure 5).
 *
 * A timestamp is (l, c): l is the largest physical time the node has heard of, c counts events
 * that share that l. HLC timestamps respect causality like Lamport clocks (e hb f ⇒ hlc(e) <
 * hlc(f)) while staying within the clock uncertainty of physical time (l ≥ pt always, and l − pt
 * bounded by the skew between clocks), which is why Cassandra-style LWW and CockroachDB use
 * them: they order writes as wall clocks would, without going backwards when a clock does.
 *
 * Pure functions: physical time is an argument (`env.now()` in a mode, virtual in the
 * simulator, skewed per node when a scenario asks), and the caller keeps the latest timestamp
 * as its clock state. Milliseconds are floored to integers, as HLC assumes a discrete clock.
 */

export interface Hlc {
  /** Logical wall time, ms: max of the physical times this node has seen. */
  readonly l: number;
  /** Logical counter among events with the same `l`. */
  readonly c: number;
}

export const HLC_ZERO: Hlc = Object.freeze({ l: 0, c: 0 });

/** l fits 12 hex digits (2^48 ms ≈ 8,900 years), c 8 (2^32 events within one millisecond). */
const L_DIGITS = 12;
const C_DIGITS = 8;
export const MAX_L = 2 ** (4 * L_DIGITS) - 1;
export const MAX_C = 2 ** (4 * C_DIGITS) - 1;

/**
 * The clock after a local or send event at physical time `pt`; the result stamps the event.
 * Figure 5, "send or local event": l' = max(l, pt); c' = (l' = l) ? c + 1 : 0.
 */
export function hlcNow(clock: Hlc, pt: number): Hlc {
  const p = Math.floor(pt);
  if (p > clock.l) return { l: p, c: 0 };
  return { l: clock.l, c: clock.c + 1 };
}

export interface HlcOptions {
  /**
   * Refuse a remote timestamp more than this many ms ahead of local physical time, as
   * CockroachDB refuses messages beyond its max clock offset: otherwise one node with a clock
   * far in the future drags every clock's `l` along with it, for good. Unset = accept all.
   */
  readonly maxDriftMs?: number;
}

export type HlcReceive =
  | { readonly ok: true; readonly clock: Hlc }
  | { readonly ok: false; readonly reason: 'drift'; readonly driftMs: number };

/**
 * The clock after receiving a message stamped `remote` at physical time `pt` (Figure 5,
 * "receive event of message m"): l' = max(l, l_m, pt), and c' continues whichever of the two
 * clocks supplied l', or restarts at 0 when physical time did.
 */
export function hlcReceive(
  clock: Hlc,
  remote: Hlc,
  pt: number,
  options: HlcOptions = {},
): HlcReceive {
  const p = Math.floor(pt);
  const driftMs = remote.l - p;
  if (options.maxDriftMs !== undefined && driftMs > options.maxDriftMs) {
    return { ok: false, reason: 'drift', driftMs };
  }
  const l = Math.max(clock.l, remote.l, p);
  let c: number;
  if (l === clock.l && l === remote.l) c = Math.max(clock.c, remote.c) + 1;
  else if (l === clock.l) c = clock.c + 1;
  else if (l === remote.l) c = remote.c + 1;
  else c = 0;
  return { ok: true, clock: { l, c } };
}

/** Lexicographic order on (l, c): negative, zero or positive like a sort comparator. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.l !== b.l) return a.l < b.l ? -1 : 1;
  if (a.c !== b.c) return a.c < b.c ? -1 : 1;
  return 0;
}

export function isHlc(value: unknown): value is Hlc {
  if (typeof value !== 'object' || value === null) return false;
  const { l, c } = value as { l?: unknown; c?: unknown };
  const inRange = (x: unknown, max: number): boolean =>
    typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;
  return inRange(l, MAX_L) && inRange(c, MAX_C);
}

/**
 * A fixed-width string whose code-unit order is the timestamps' order (`l.c` in zero-padded
 * hex), so encoded stamps sort correctly as map keys, in logs and in other languages' tools.
 */
export function encodeHlc(ts: Hlc): string {
  if (!isHlc(ts)) throw new RangeError(`not an encodable HLC timestamp: ${JSON.stringify(ts)}`);
  return `${ts.l.toString(16).padStart(L_DIGITS, '0')}.${ts.c.toString(16).padStart(C_DIGITS, '0')}`;
}

const ENCODED = new RegExp(`^([0-9a-f]{${L_DIGITS}})\\.([0-9a-f]{${C_DIGITS}})$`);

/** The inverse of encodeHlc; undefined for anything encodeHlc could not have produced. */
export function decodeHlc(text: string): Hlc | undefined {
  const m = ENCODED.exec(text);
  return m ? { l: parseInt(m[1], 16), c: parseInt(m[2], 16) } : undefined;
}
