import { GroupCommit } from '../../../src/runtime/live/group-commit';

// Group commit: outputs after a sync wait for the one fsync of the turn, in order.
function setup() {
  const log: string[] = [];
  let scheduled: (() => void) | undefined;
  const commit = new GroupCommit(
    () => log.push('fsync'),
    (flush) => {
      scheduled = flush;
    },
  );
  return { log, commit, runTurnEnd: () => scheduled?.() };
}

describe('group commit', () => {
  it('sends at once while no sync is pending', () => {
    const { log, commit } = setup();
    commit.output(() => log.push('a'));
    expect(log).toEqual(['a']);
  });

  it('holds every output after a sync until one fsync has returned, in order', () => {
    const { log, commit, runTurnEnd } = setup();
    commit.output(() => log.push('before'));
    commit.requestSync();
    commit.output(() => log.push('reply 1'));
    commit.requestSync();
    commit.output(() => log.push('append to peer'));
    commit.output(() => log.push('reply 2'));
    expect(log).toEqual(['before']);
    runTurnEnd();
    expect(log).toEqual(['before', 'fsync', 'reply 1', 'append to peer', 'reply 2']);
    commit.output(() => log.push('after'));
    expect(log.at(-1)).toBe('after');
  });

  it('does not release what it holds if the sync throws (the process stops instead)', () => {
    const held: string[] = [];
    const commit = new GroupCommit(
      () => {
        throw new Error('EIO');
      },
      () => undefined,
    );
    commit.requestSync();
    commit.output(() => held.push('reply'));
    expect(() => commit.flush()).toThrow('EIO');
    expect(held).toEqual([]);
  });
});
