import { asNodeId, type RequestId } from '../../../../src/core/ids';
import { ok } from '../../../../src/core/messages/client';
import { MemoryStorage } from '../../../../src/core/storage/memory-storage';
import { epochOwner, nextEpochOf } from '../../../../src/modes/single-leader/async/epochs';
import { successor } from '../../../../src/modes/single-leader/async/failover';
import { ReplicatedLog, type LogEntry } from '../../../../src/modes/single-leader/async/log';
import {
  chunkSnapshot,
  SnapshotAssembly,
} from '../../../../src/modes/single-leader/async/snapshot-transfer';
import { RegisterStore } from '../../../../src/modes/shared/register-store';

const members = ['a', 'b', 'c'].map((id) => ({ id: asNodeId(id), region: 'r' }));
const id = (n: number) => `c:${n}` as RequestId;
const write = (epoch: number, n: number): LogEntry => ({
  epoch,
  id: id(n),
  op: { f: 'write', key: `k${n % 3}`, value: n },
});

describe('epochs', () => {
  it('belong to one member each, round-robin', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((e) => epochOwner(e, members))).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('next epoch: the smallest above the given one that the node owns', () => {
    for (let above = 0; above < 20; above++) {
      for (const m of members) {
        const e = nextEpochOf(m.id, above, members);
        expect(e).toBeGreaterThan(above);
        expect(e - above).toBeLessThanOrEqual(members.length);
        expect(epochOwner(e, members)).toBe(m.id);
      }
    }
  });
});

describe('successor', () => {
  const at = (node: string, lastEpoch: number, lastIndex: number) => ({
    node: asNodeId(node),
    lastEpoch,
    lastIndex,
  });
  it('prefers the later last epoch, then the longer log, then the lower id', () => {
    const all = () => true;
    expect(successor([at('a', 1, 90), at('b', 4, 10)], all)).toBe('b');
    expect(successor([at('c', 4, 12), at('b', 4, 10)], all)).toBe('c');
    expect(successor([at('c', 4, 10), at('b', 4, 10)], all)).toBe('b');
    expect(successor([at('c', 4, 10), at('b', 4, 99)], (n) => n !== 'b')).toBe('c');
    expect(successor([], all)).toBeUndefined();
  });
});

describe('ReplicatedLog', () => {
  function filled(storage: MemoryStorage, n: number): { log: ReplicatedLog; store: RegisterStore } {
    const log = new ReplicatedLog(storage);
    const store = new RegisterStore(100);
    log.load(store);
    log.append([{ epoch: 1 }, ...Array.from({ length: n }, (_, i) => write(1, i + 1))]);
    storage.sync();
    return { log, store };
  }

  it('keeps protocol indexes through compaction, truncation and restart', () => {
    const storage = new MemoryStorage();
    const { log, store } = filled(storage, 9);
    const reloaded = () => {
      const s = new RegisterStore(100);
      const l = new ReplicatedLog(storage);
      l.load(s);
      return { l, s };
    };
    for (const e of log.entries(2, 11))
      if (e.id) store.data.set(e.op.key, (e.op as { value: number }).value);
    log.compact(store);
    storage.sync();
    expect([log.snapshotIndex, log.lastIndex(), log.epochAt(10)]).toEqual([10, 10, 1]);
    log.append([{ epoch: 4 }, write(4, 20), write(4, 21)]);
    log.truncateFrom(13);
    storage.sync();
    const { l, s } = reloaded();
    expect([l.snapshotIndex, l.lastIndex(), l.epochAt(12), l.epochAt(13), l.lastEpoch()]).toEqual([
      10,
      12,
      4,
      undefined,
      4,
    ]);
    expect(s.data.get('k2')).toBe(20);
    expect(s.outcome(id(20))).toEqual(ok(id(20), 20));
  });

  it('installs a snapshot below its own, and survives a crash at any point of it', () => {
    for (let keep = 0; keep <= 2; keep++) {
      const storage = new MemoryStorage();
      const { log, store } = filled(storage, 30);
      log.compact(store);
      log.append([write(1, 32), write(1, 33)]);
      storage.sync();
      // A newer primary's state at index 5, which this log's snapshot (31) is past.
      log.install({
        index: 5,
        epoch: 2,
        data: [['k0', 'new']],
        outcomes: [[id(99), ok(id(99), 'new')]],
      });
      storage.crash({ keep });
      const s = new RegisterStore(100);
      const l = new ReplicatedLog(storage);
      l.load(s);
      // keep 0: nothing of it; 1: emptied, not yet recorded (the old snapshot alone, a state
      // the node had); 2: the new snapshot.
      if (keep === 0) expect([l.snapshotIndex, l.lastIndex()]).toEqual([31, 33]);
      if (keep === 1) expect([l.snapshotIndex, l.lastIndex()]).toEqual([31, 31]);
      if (keep === 2) {
        expect([l.snapshotIndex, l.lastIndex(), l.epochAt(5), s.data.get('k0')]).toEqual([
          5,
          5,
          2,
          'new',
        ]);
        l.append([write(2, 6)]);
        expect([l.lastIndex(), l.epochAt(6)]).toEqual([6, 2]);
      }
    }
  });
});

describe('snapshot transfer', () => {
  it('cuts a state into chunks under the size and puts it back together', () => {
    const data = Array.from({ length: 100 }, (_, i) => [`key-${i}`, 'v'.repeat(50)] as const);
    const outcomes = Array.from({ length: 50 }, (_, i) => [id(i), ok(id(i), i)] as const);
    const chunks = chunkSnapshot({ index: 7, epoch: 3, data, outcomes }, 9, 1000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks)
      expect(JSON.stringify([...c.data, ...c.outcomes]).length).toBeLessThan(1100);
    const assembly = new SnapshotAssembly();
    const b = asNodeId('b');
    const done = chunks.map((c) => assembly.add(b, c));
    expect(done.slice(0, -1).every((d) => d === undefined)).toBe(true);
    expect(done[done.length - 1]).toEqual({ index: 7, epoch: 3, data, outcomes });
    // Out of sequence: dropped until a transfer starts again.
    expect(assembly.add(b, chunks[1])).toBeUndefined();
    expect(assembly.add(b, chunks[chunks.length - 1])).toBeUndefined();
  });
});
