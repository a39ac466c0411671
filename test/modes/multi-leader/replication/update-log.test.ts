import type { VersionVector } from '../../../../src/core/clocks';
import { asNodeId, type NodeId, type RequestId } from '../../../../src/core/ids';
import { ShapeError } from '../../../../src/core/messages/shape';
import { MemoryStorage } from '../../../../src/core/storage/memory-storage';
import type { Update, UpdateReader } from '../../../../src/modes/multi-leader/replication/update';
import { UpdateLog } from '../../../../src/modes/multi-leader/replication/update-log';

const A = asNodeId('a');
const B = asNodeId('b');
const reader: UpdateReader = {
  isOrigin: (n) => n === A || n === B,
  readPayload: (v) => {
    if (typeof v !== 'number') throw new ShapeError('payload', 'a number', v ?? null);
    return v;
  },
};
const update = (origin: NodeId, seq: number): Update => ({
  origin,
  seq,
  at: 0,
  ops: 1,
  keys: ['k'],
  payload: seq,
});
const dots = (us: readonly Update[]): string[] => us.map((u) => `${u.origin}${u.seq}`);

describe('UpdateLog', () => {
  it('reads back journaled ops and updates in the order they were logged', () => {
    const storage = new MemoryStorage();
    const log = new UpdateLog(storage, reader);
    log.journal('c:1' as RequestId, { f: 'write', key: 'k', value: 1 }, 1);
    log.record([update(A, 1), update(B, 1)]);
    log.sync();
    const again = new UpdateLog(storage, reader).load();
    expect(again.snapshot).toBeUndefined();
    expect(
      again.entries.map((e) => (e.kind === 'op' ? e.id : `${e.update.origin}${e.update.seq}`)),
    ).toEqual(['c:1', 'a1', 'b1']);
  });

  it('answers what a peer lacks in log order, within a budget', () => {
    const log = new UpdateLog(new MemoryStorage(), reader);
    log.load();
    log.record([update(A, 1), update(B, 1), update(A, 2), update(B, 2), update(A, 3)]);
    const has = (v: Record<string, number>) => (o: NodeId) => v[o] ?? 0;
    expect(dots(log.missing(has({ a: 1 }), 1e6).updates)).toEqual(['b1', 'a2', 'b2', 'a3']);
    expect(dots(log.missing(has({ a: 3, b: 1 }), 1e6).updates)).toEqual(['b2']);
    const cut = log.missing(has({}), 1);
    expect(dots(cut.updates)).toEqual(['a1']);
    expect(cut.complete).toBe(false);
  });

  it('compacts what everyone has into a snapshot, keeping the rest for resends', () => {
    const storage = new MemoryStorage();
    const log = new UpdateLog(storage, reader);
    log.load();
    log.record([update(A, 1), update(B, 1), update(A, 2), update(B, 2)]);
    log.compact({ applied: { a: 2, b: 2 } as VersionVector, state: 'state' }, (o, s) =>
      o === A ? s <= 2 : s <= 1,
    );
    expect(log.length).toBe(1);
    const has = (o: NodeId) => (o === A ? 2 : 0);
    const missing = log.missing(has, 1e6);
    expect(dots(missing.updates)).toEqual(['b2']);
    expect(missing.unavailable).toEqual([B]);
    storage.crash();
    const again = new UpdateLog(storage, reader).load();
    expect(again.snapshot).toEqual({ applied: { a: 2, b: 2 }, state: 'state' });
    expect(again.entries.map((e) => e.kind === 'update' && e.update.seq)).toEqual([2]);
  });

  it('leaves a log a restart can replay after any crash during compaction', () => {
    for (let keep = 0; keep <= 3; keep++) {
      const storage = new MemoryStorage();
      const log = new UpdateLog(storage, reader);
      log.load();
      log.record([update(A, 1), update(A, 2)]);
      log.sync();
      // compact() issues append, put, compact, then sync: a crash may keep any prefix of them.
      const before = storage.sync.bind(storage);
      storage.sync = () => undefined;
      log.compact({ applied: { a: 2 } as VersionVector, state: 's' }, (_o, s) => s <= 1);
      storage.sync = before;
      storage.crash({ keep });
      const { snapshot, entries } = new UpdateLog(storage, reader).load();
      const seqs = entries.flatMap((e) => (e.kind === 'update' ? [e.update.seq] : []));
      // Either the snapshot holds both updates or the log still does; and a2, which some
      // peer lacks, can always still be resent.
      expect(snapshot?.applied[A] === 2 || (seqs.includes(1) && seqs.includes(2))).toBe(true);
      expect(seqs).toContain(2);
    }
  });
});
