import type { ToxicKind } from './toxic';

/** `average_size` and `size_variation` in bytes; `delay` in MICROseconds between pieces. */
export type SlicerAttributes = { average_size: number; size_variation: number; delay: number };

/**
 * The sizes a chunk of `length` bytes is cut into: upstream's recursive halving (slicer.go
 * `chunk`), which splits a piece in two around its middle ± `size_variation` until it is within
 * `size_variation` of `average_size`. Upstream panics on `size_variation` 0 (`rand.Intn(0)`) and
 * recurses forever on `average_size` 0; here a variation ≤ 0 means none, and a cut always leaves
 * both halves non-empty, so the smallest piece is one byte. Pure: pass a seeded `random`.
 */
export function slicerPieceSizes(
  attrs: Readonly<SlicerAttributes>,
  length: number,
  random: () => number,
): number[] {
  const sizes: number[] = [];
  const variation = Math.max(0, attrs.size_variation);
  const cut = (start: number, end: number): void => {
    if (end - start - attrs.average_size <= variation || end - start < 2) {
      sizes.push(end - start);
      return;
    }
    const jitter = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0;
    const mid = Math.min(
      end - 1,
      Math.max(start + 1, start + Math.floor((end - start) / 2) + jitter),
    );
    cut(start, mid);
    cut(mid, end);
  };
  cut(0, length);
  return sizes;
}

/** Writes each chunk as slices, sleeping `delay` µs after each one (timers round up to ~1 ms). */
export const slicer: ToxicKind<SlicerAttributes> = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  go: { struct: 'SlicerToxic', int: 'int' },
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end') return stub.close();
      let offset = 0;
      for (const size of slicerPieceSizes(attrs, c.data.length, () => stub.random())) {
        stub.write({ data: c.data.subarray(offset, offset + size), timestamp: c.timestamp });
        offset += size;
        if (!(await stub.sleep(attrs.delay / 1000))) {
          if (offset < c.data.length) {
            stub.write({ data: c.data.subarray(offset), timestamp: c.timestamp });
          }
          return;
        }
      }
    }
  },
};
