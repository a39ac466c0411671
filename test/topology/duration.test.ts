import { formatDuration, parseDuration } from '../../src/topology';

describe('durations', () => {
  it.each([
    ['150ms', 150],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['500us', 0.5],
    ['0ms', 0],
    ['-5ms', -5],
  ])('parses %s as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['150', '150 ms', 'ms', '1e3ms', '2sec', '', '1.ms', '--1s'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it.each([
    [0.5, '500us'],
    [150, '150ms'],
    [63.5, '63.5ms'],
    [2000, '2s'],
    [90_000, '1.5m'],
    [7_200_000, '2h'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('round-trips what it formats', () => {
    for (const ms of [0.25, 1, 42.5, 999, 1500, 61_000, 5_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
    }
  });
});
