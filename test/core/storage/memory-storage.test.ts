import { MemoryStorage } from '../../../src/core/storage/memory-storage';
import type { DurableStorage } from '../../../src/core/storage/durable-storage';
import { describeDurableStorage } from './conformance';

describeDurableStorage('MemoryStorage', {
  open: () => new MemoryStorage(),
  crash: (s: DurableStorage) => {
    (s as MemoryStorage).crash();
    return s;
  },
});

describe('MemoryStorage', () => {
  it('can keep a prefix of the unsynced writes on crash, in order', () => {
    const s = new MemoryStorage();
    s.append(['a']);
    s.sync();
    s.append(['b']);
    s.put('term', 2);
    s.append(['c']);
    expect(s.unsyncedWrites()).toBe(3);
    s.crash({ keep: 2 });
    expect(s.entries(1, s.lastIndex() + 1)).toEqual(['a', 'b']);
    expect(s.get('term')).toBe(2);
    expect(s.unsyncedWrites()).toBe(0);
    s.append(['d']);
    s.crash({ keep: 99 });
    expect(s.entries(1, s.lastIndex() + 1)).toEqual(['a', 'b', 'd']);
  });

  it('freezes what it stores, so a mode cannot mutate durable data behind its back', () => {
    const s = new MemoryStorage();
    const entry = { term: 1, cmd: { key: 'k' } };
    s.append([entry]);
    expect(() => {
      (entry.cmd as { key: string }).key = 'changed';
    }).toThrow(TypeError);
    const vote = { term: 1, for: 'n2' };
    s.put('vote', vote);
    expect(Object.isFrozen(s.get('vote'))).toBe(true);
  });

  it('calls onSync on every sync, for the simulator to charge fsync latency', () => {
    let syncs = 0;
    const s = new MemoryStorage({ onSync: () => syncs++ });
    s.sync();
    s.append([1]);
    s.sync();
    expect(syncs).toBe(2);
  });

  it('refuses non-integer indexes', () => {
    const s = new MemoryStorage();
    s.append([1, 2]);
    expect(s.entry(1.5)).toBeUndefined();
    expect(() => s.truncate(1.5)).toThrow(RangeError);
    expect(() => s.compact(Number.NaN)).toThrow(RangeError);
  });
});
