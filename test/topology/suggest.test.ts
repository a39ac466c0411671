import { closest, editDistance, oneOf } from '../../src/topology/suggest';

describe('suggestions for typos', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests a near name and nothing for a far one', () => {
    expect(closest('jiter', ['jitter', 'preset'])).toBe('jitter');
    expect(closest('eu-west', ['us-east-1', 'eu-west-1'])).toBe('eu-west-1');
    expect(closest('us-west-2', ['us-east-1', 'eu-west-1'])).toBeUndefined();
    expect(closest('anything', [])).toBeUndefined();
  });

  it('lists alternatives in prose', () => {
    expect(oneOf(['a'])).toBe('a');
    expect(oneOf(['a', 'b', 'c'])).toBe('a, b or c');
  });
});
