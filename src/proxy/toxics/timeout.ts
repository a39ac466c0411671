import type { ToxicKind } from './toxic';

/** `timeout` in milliseconds; 0 (or less) means never. */
export type TimeoutAttributes = { timeout: number };

/**
 * Drops every byte in its direction. With `timeout > 0` it closes the connection after
 * `timeout` ms without input: the timer restarts with each chunk (timeout.go re-arms
 * `time.After` in every loop). With `timeout <= 0` it is a silent blackhole that never closes.
 * Removing it closes the connections it was active on, because the bytes it dropped leave the
 * stream corrupt (upstream's CleanupToxic, link.go, toxiproxy PR #168).
 */
export const timeout: ToxicKind<TimeoutAttributes> = {
  type: 'timeout',
  defaults: { timeout: 0 },
  go: { struct: 'TimeoutToxic', int: 'int64' },
  closesOnRemoval: true,
  async pipe(stub, attrs) {
    for (;;) {
      const c = attrs.timeout > 0 ? await stub.readWithin(attrs.timeout) : await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end' || c === 'timeout') return stub.close();
    }
  },
};
