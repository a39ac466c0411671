import type { ToxicKind } from './toxic';

/** `latency` and `jitter` in milliseconds. */
export type LatencyAttributes = { latency: number; jitter: number };

/**
 * The delay of one chunk, in ms: uniform over the integers in [latency − jitter,
 * latency + jitter), as upstream's `latency + rand.Int63n(2*jitter) − jitter` (latency.go).
 * It may be negative, which means no delay. Pure: pass a seeded `random` to replay it.
 */
export function latencyDelayMs(attrs: Readonly<LatencyAttributes>, random: () => number): number {
  if (attrs.jitter <= 0) return attrs.latency;
  return attrs.latency + Math.floor(random() * 2 * attrs.jitter) - attrs.jitter;
}

/**
 * Each chunk waits for its delay measured from when it reached the toxic, not from when the
 * previous one left, so a burst is pipelined rather than serialised; chunks leave in arrival
 * order (a short delay never overtakes a long one). A leaving chunk is stamped with its arrival
 * time plus its delay, so a second latency toxic adds its delay on top.
 */
export const latency: ToxicKind<LatencyAttributes> = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  go: { struct: 'LatencyToxic', int: 'int64' },
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end') return stub.close();
      const delay = Math.max(
        0,
        latencyDelayMs(attrs, () => stub.random()),
      );
      if (!(await stub.sleep(c.timestamp + delay - stub.now()))) {
        // Interrupted (update or removal): let the chunk go at once rather than drop it.
        stub.write(c);
        return;
      }
      stub.write({ data: c.data, timestamp: c.timestamp + delay });
    }
  },
};
