import {
  isClientId,
  isNodeId,
  isRequestId,
  MAX_ID_LENGTH,
  parseClientId,
  parseNodeId,
  parseRegionId,
  parseRequestId,
} from '../../src/core/ids';

describe('ids', () => {
  it('accepts the topology’s names and refuses what would break paths, proxies or records', () => {
    for (const good of ['n1', 'eu-west-1', 'A.b_c', '9'.repeat(MAX_ID_LENGTH)]) {
      expect(isNodeId(good)).toBe(true);
    }
    for (const bad of ['', '-n1', '_x', '__proto__', 'a/b', 'a b', 'é', 'x'.repeat(129), 3, null]) {
      expect(isNodeId(bad)).toBe(false);
    }
  });

  it('lets client and request ids carry a sequence after a colon', () => {
    expect(isRequestId('client-3:17')).toBe(true);
    expect(isClientId('eu/worker-2')).toBe(true);
    expect(isRequestId(':17')).toBe(false);
  });

  it('parses with errors that say what was expected', () => {
    expect(parseNodeId('n1')).toBe('n1');
    expect(parseRegionId('us-east')).toBe('us-east');
    expect(parseClientId('c1')).toBe('c1');
    expect(parseRequestId('c1:1')).toBe('c1:1');
    expect(() => parseNodeId('n 1')).toThrow(/invalid node id "n 1": expected at most 128/);
    expect(() => parseRequestId(7)).toThrow(/invalid request id number/);
  });
});
