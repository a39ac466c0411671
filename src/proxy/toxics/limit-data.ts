import type { ToxicKind } from './toxic';

/** `bytes`: how many bytes may pass in this direction before the connection closes. */
export type LimitDataAttributes = { bytes: number };

/** Per connection and direction: bytes passed so far (upstream's `LimitDataToxicState`). */
export interface LimitDataState {
  transmitted: number;
}

/** How many of a chunk's `length` bytes may still pass, given `transmitted` so far. */
export function limitDataAllowance(
  attrs: Readonly<LimitDataAttributes>,
  transmitted: number,
  length: number,
): number {
  return Math.min(length, Math.max(0, attrs.bytes - transmitted));
}

/** Forwards up to `bytes` in total, truncating the chunk that crosses it, then closes. */
export const limitData: ToxicKind<LimitDataAttributes, LimitDataState> = {
  type: 'limit_data',
  defaults: { bytes: 0 },
  go: { struct: 'LimitDataToxic', int: 'int64' },
  newState: () => ({ transmitted: 0 }),
  async pipe(stub, attrs) {
    const state = stub.state;
    for (;;) {
      const c = await stub.read();
      if (c === 'interrupted') return;
      if (c === 'end') return stub.close();
      const allowed = limitDataAllowance(attrs, state.transmitted, c.data.length);
      if (allowed > 0) {
        stub.write({ data: c.data.subarray(0, allowed), timestamp: c.timestamp });
        state.transmitted += allowed;
      }
      if (state.transmitted >= attrs.bytes) return stub.close();
    }
  },
};
