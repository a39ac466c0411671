import { bandwidthDelayMs, bandwidthPieceSizes } from '../../../src/proxy/toxics';

describe('bandwidthDelayMs', () => {
  it('takes bytes / rate ms, a KB being 1000 bytes', () => {
    expect(bandwidthDelayMs({ rate: 100 }, 500_000)).toBe(5000);
    expect(bandwidthDelayMs({ rate: 1 }, 1000)).toBe(1000);
  });

  it('holds data forever at rate 0 (a stall, not unlimited)', () => {
    expect(bandwidthDelayMs({ rate: 0 }, 1)).toBe(Infinity);
    expect(bandwidthDelayMs({ rate: -5 }, 1)).toBe(Infinity);
  });
});

describe('bandwidthPieceSizes', () => {
  it('cuts chunks larger than 100 ms of data into rate*100-byte pieces', () => {
    expect(bandwidthPieceSizes({ rate: 100 }, 25_000)).toEqual([10_000, 10_000, 5000]);
    expect(bandwidthPieceSizes({ rate: 100 }, 20_000)).toEqual([10_000, 20_000 - 10_000]);
  });

  it('leaves small chunks whole', () => {
    expect(bandwidthPieceSizes({ rate: 100 }, 10_000)).toEqual([10_000]);
    expect(bandwidthPieceSizes({ rate: 0 }, 99)).toEqual([99]);
  });
});
