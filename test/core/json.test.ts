import { deepFreeze, isJsonObject, type Json } from '../../src/core/json';

describe('json', () => {
  it('deep-freezes nested values, also very deep ones, without recursion', () => {
    const v = { a: [1, { b: 'c' }], d: null };
    deepFreeze(v);
    expect(Object.isFrozen(v.a[1])).toBe(true);
    let deep: Json = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => deepFreeze(deep)).not.toThrow();
    expect(deepFreeze(3)).toBe(3);
  });

  it('tells objects from arrays and null', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(undefined)).toBe(false);
  });
});
