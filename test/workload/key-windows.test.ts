import { keyWindowOf, keyWindowPrefix } from '../../src/workload/key-windows';

describe('key windows', () => {
  it('reads back the window a key was drawn in', () => {
    for (const n of [0, 7, 180]) expect(keyWindowOf(`${keyWindowPrefix(n)}k12`)).toBe(n);
  });

  it('gives no window for a key drawn without one', () => {
    expect(keyWindowOf('k12')).toBeUndefined();
    expect(keyWindowOf('wx:k1')).toBeUndefined();
    expect(keyWindowOf('k1:w3:')).toBeUndefined();
  });
});
