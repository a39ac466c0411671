import type { ToxicKind } from './toxic';

/** `rate` in KB/s, where a KB is 1000 bytes (so `rate` is also bytes per ms). */
export type BandwidthAttributes = { rate: number };

/** Upstream sends a chunk larger than 100 ms' worth of bytes in 100 ms pieces (bandwidth.go). */
export const BANDWIDTH_PIECE_MS = 100;

/**
 * How long `bytes` take at `rate`, in ms: `bytes / rate`. A rate of 0 (or less) is not
 * "unlimited" upstream but a stall that holds the data until the toxic changes: Infinity.
 */
export function bandwidthDelayMs(attrs: Readonly<BandwidthAttributes>, bytes: number): number {
  return attrs.rate > 0 ? bytes / attrs.rate : Infinity;
}

/** The sizes a chunk of `bytes` is sent in: pieces of `rate * 100` bytes, then the rest. */
export function bandwidthPieceSizes(attrs: Readonly<BandwidthAttributes>, bytes: number): number[] {
  const piece = attrs.rate * BANDWIDTH_PIECE_MS;
  if (piece <= 0 || bytes <= piece) return [bytes];
  const sizes: number[] = [];
  let left = bytes;
  for (; left > piece; left -= piece) sizes.push(piece);
  sizes.push(left);
  return sizes;
}

/**
 * A port of upstream's loop: the time owed for each chunk accumulates, and whatever a timer
 * overshoots is paid back by the next chunk, so the long-run rate is exact even though timers
 * fire late. Time spent idle between chunks is not banked.
 */
export const bandwidth: ToxicKind<BandwidthAttributes> = {
  type: 'bandwidth',
  defaults: { rate: 0 },
  go: { struct: 'BandwidthToxic', int: 'int64' },
  async pipe(stub, attrs) {
    let owedMs = 0;
    for (;;) {
      const c = await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end') return stub.close();
      if (attrs.rate <= 0) {
        // Stall: hold the chunk (and, behind it, the stream) until the toxic is changed.
        await stub.sleep(Infinity);
        stub.write(c);
        return;
      }
      owedMs += bandwidthDelayMs(attrs, c.data.length);
      const sizes = bandwidthPieceSizes(attrs, c.data.length);
      let offset = 0;
      for (let i = 0; i < sizes.length; i++) {
        const last = i === sizes.length - 1;
        const waitMs = last ? owedMs : BANDWIDTH_PIECE_MS;
        const started = stub.now();
        const slept = await stub.sleep(waitMs);
        const end = slept ? offset + sizes[i] : c.data.length;
        stub.write({ data: c.data.subarray(offset, end), timestamp: c.timestamp });
        if (!slept) return;
        owedMs -= last ? stub.now() - started : BANDWIDTH_PIECE_MS;
        offset = end;
      }
    }
  },
};
