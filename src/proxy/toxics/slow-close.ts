import type { ToxicKind } from './toxic';

/** `delay` in milliseconds. */
export type SlowCloseAttributes = { delay: number };

/** Passes data through; when the input ends, waits `delay` before passing the close on. */
export const slowClose: ToxicKind<SlowCloseAttributes> = {
  type: 'slow_close',
  defaults: { delay: 0 },
  go: { struct: 'SlowCloseToxic', int: 'int64' },
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end') {
        // Interrupted while holding the close: pass it on rather than lose it (upstream would
        // drop it and leave the connection open forever).
        await stub.sleep(attrs.delay);
        return stub.close();
      }
      stub.write(c);
    }
  },
};
