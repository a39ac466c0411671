import { MODE_IDS, parseModeId } from '../../src/topology';

describe('short mode ids', () => {
  it.each([
    ['single-copy', { mode: 'single-copy' }],
    ['raft', { mode: 'single-leader', protocol: 'raft' }],
    ['async', { mode: 'single-leader', protocol: 'async' }],
    ['semi-sync', { mode: 'single-leader', protocol: 'semi-sync' }],
    ['multi-leader:automerge', { mode: 'multi-leader', resolver: 'automerge' }],
    ['multi-leader:yjs', { mode: 'multi-leader', resolver: 'yjs' }],
    ['multi-leader:lww', { mode: 'multi-leader', resolver: 'lww' }],
    ['leaderless', { mode: 'leaderless' }],
    [
      'leaderless:LOCAL_QUORUM',
      { mode: 'leaderless', read: 'LOCAL_QUORUM', write: 'LOCAL_QUORUM' },
    ],
    ['leaderless:one', { mode: 'leaderless', read: 'ONE', write: 'ONE' }],
    ['leaderless:ANY', { mode: 'leaderless', read: 'ONE', write: 'ANY' }],
  ])('%s', (id, fields) => expect(parseModeId(id)).toEqual({ ok: true, fields }));

  it('accepts every id it lists (LEVEL standing for any level)', () => {
    for (const id of MODE_IDS) {
      expect(parseModeId(id.replace('LEVEL', 'QUORUM')).ok).toBe(true);
    }
  });

  it.each([
    ['paxos', 'unknown mode "paxos"'],
    ['raft:fast', 'unknown mode "raft:fast"'],
    ['multi-leader:riak', 'unknown mode "multi-leader:riak"'],
    ['leaderless:MAJORITY', 'unknown consistency level "MAJORITY"'],
    ['leaderless:ONE:TWO', 'unknown mode'],
  ])('rejects %s', (id, message) => {
    const result = parseModeId(id);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
