import { TOXIC_KINDS } from '../../../src/proxy/toxics';

describe('TOXIC_KINDS', () => {
  it('holds the reference toxics with their attributes in upstream order, zero defaults', () => {
    const table = Object.fromEntries([...TOXIC_KINDS].map(([type, kind]) => [type, kind.defaults]));
    expect(table).toEqual({
      latency: { latency: 0, jitter: 0 },
      bandwidth: { rate: 0 },
      slow_close: { delay: 0 },
      timeout: { timeout: 0 },
      reset_peer: { timeout: 0 },
      slicer: { average_size: 0, size_variation: 0, delay: 0 },
      limit_data: { bytes: 0 },
      noop: {},
    });
    expect(Object.keys(table.slicer ?? {})).toEqual(['average_size', 'size_variation', 'delay']);
  });

  it('has no "down" toxic: down is enabled:false on the proxy', () => {
    expect(TOXIC_KINDS.has('down')).toBe(false);
  });
});
