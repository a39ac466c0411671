import type { ToxicKind, ToxicStub } from './toxic';

/** Passes every chunk through unchanged; also what a connection runs when toxicity misses. */
export async function passThrough(stub: ToxicStub<unknown>): Promise<void> {
  for (;;) {
    const c = await stub.read();
    if (c === 'interrupted') return;
    if (c === 'end') return stub.close();
    stub.write(c);
  }
}

/** `noop`: no attributes; accepted by the API like upstream's (api_test.go, noop.go). */
export const noop: ToxicKind<Record<string, never>> = {
  type: 'noop',
  defaults: {},
  go: { struct: 'NoopToxic', int: 'int64' },
  pipe: passThrough,
};
