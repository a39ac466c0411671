/**
 * The DurableStorage contract as a reusable jest suite: run it against any implementation by
 * giving a harness that opens a fresh store and simulates a crash-restart (for a file-backed
 * store: drop the object without closing it and open the same directory again).
 * It assumes the harshest reading of the contract, that a crash loses every unsynced write;
 * a store that keeps a prefix of them should give its harness a crash that cannot.
 */
import type { DurableStorage } from '../../../src/core/storage/durable-storage';
import type { Json } from '../../../src/core/json';
import { Rng } from '../../../src/core/random';

export interface StorageHarness {
  open(): DurableStorage;
  /** Crash the process holding `s` and restart it: returns the store the new process reads. */
  crash(s: DurableStorage): DurableStorage;
}

function log(s: DurableStorage): Json[] {
  return [...s.entries(s.firstIndex(), s.lastIndex() + 1)];
}

export function describeDurableStorage(name: string, h: StorageHarness): void {
  describe(`${name} (DurableStorage contract)`, () => {
    it('starts empty at index 1', () => {
      const s = h.open();
      expect([s.firstIndex(), s.lastIndex()]).toEqual([1, 0]);
      expect(s.entry(1)).toBeUndefined();
      expect(s.entries(1, 1)).toEqual([]);
      expect(s.keys()).toEqual([]);
    });

    it('appends at consecutive indexes and reads ranges back', () => {
      const s = h.open();
      s.append([{ term: 1 }, { term: 1 }]);
      s.append([]);
      s.append([{ term: 2, cmd: 'x' }]);
      expect(s.lastIndex()).toBe(3);
      expect(s.entry(3)).toEqual({ term: 2, cmd: 'x' });
      expect(s.entry(0)).toBeUndefined();
      expect(s.entry(4)).toBeUndefined();
      expect(s.entries(2, 4)).toEqual([{ term: 1 }, { term: 2, cmd: 'x' }]);
      expect(() => s.entries(0, 2)).toThrow(RangeError);
      expect(() => s.entries(1, 5)).toThrow(RangeError);
      expect(() => s.entries(3, 2)).toThrow(RangeError);
    });

    it('repairs a log as Raft does: truncate the conflicting suffix, append the leader’s', () => {
      const s = h.open();
      s.append(['a', 'b', 'c', 'd']);
      s.truncate(3);
      s.append(['x', 'y', 'z']);
      expect(log(s)).toEqual(['a', 'b', 'x', 'y', 'z']);
      s.truncate(6); // nothing past the end: no-op
      s.truncate(1);
      expect([s.firstIndex(), s.lastIndex()]).toEqual([1, 0]);
      expect(() => s.truncate(0)).toThrow(RangeError);
      expect(() => s.truncate(3)).toThrow(RangeError);
    });

    it('keeps synced writes across a crash and loses unsynced ones', () => {
      let s = h.open();
      s.append(['a', 'b']);
      s.put('term', 3);
      s.put('vote', 'n2');
      s.sync();
      s.append(['c']);
      s.put('term', 4);
      s.delete('vote');
      s = h.crash(s);
      expect(log(s)).toEqual(['a', 'b']);
      expect(s.get('term')).toBe(3);
      expect(s.get('vote')).toBe('n2');
      expect(s.keys()).toEqual(['term', 'vote']);
    });

    it('undoes an unsynced truncation on crash, and keeps a synced one', () => {
      let s = h.open();
      s.append(['a', 'b', 'c']);
      s.sync();
      s.truncate(2);
      s.append(['x']);
      s = h.crash(s);
      expect(log(s)).toEqual(['a', 'b', 'c']);
      s.truncate(2);
      s.append(['x']);
      s.sync();
      s = h.crash(s);
      expect(log(s)).toEqual(['a', 'x']);
    });

    it('overwrites, deletes and lists hard state', () => {
      const s = h.open();
      s.put('vote', null);
      s.put('term', 1);
      s.put('term', { n: 2 });
      expect(s.get('term')).toEqual({ n: 2 });
      expect(s.keys()).toEqual(['term', 'vote']);
      s.delete('vote');
      s.delete('absent');
      expect(s.get('vote')).toBeUndefined();
      expect(s.keys()).toEqual(['term']);
      expect(() => s.put('../etc', 1)).toThrow(RangeError);
      expect(() => s.put('', 1)).toThrow(RangeError);
      expect(() => s.put('__proto__', 1)).toThrow(RangeError);
    });

    it('compacts a prefix, also past the end, durably only once synced', () => {
      let s = h.open();
      s.append(['a', 'b', 'c', 'd']);
      s.compact(2);
      expect([s.firstIndex(), s.lastIndex()]).toEqual([3, 4]);
      expect(s.entry(2)).toBeUndefined();
      expect(log(s)).toEqual(['c', 'd']);
      s.compact(1); // already gone: no-op
      s.sync();
      s.compact(10); // a snapshot from ahead
      expect([s.firstIndex(), s.lastIndex()]).toEqual([11, 10]);
      s.append(['k']);
      expect(s.entry(11)).toBe('k');
      s = h.crash(s);
      expect([s.firstIndex(), s.lastIndex()]).toEqual([3, 4]);
      expect(() => s.truncate(2)).toThrow(RangeError);
    });

    it('matches a reference model over 3,000 random writes, syncs and crashes', () => {
      const rng = new Rng(`storage-model-${name}`);
      let s = h.open();
      type Model = { first: number; log: Json[]; hard: Record<string, Json> };
      let model: Model = { first: 1, log: [], hard: {} };
      let synced: Model = structuredClone(model);
      for (let step = 0; step < 3000; step++) {
        const last = model.first + model.log.length - 1;
        const r = rng.below(100);
        if (r < 35) {
          const batch = Array.from({ length: 1 + rng.below(3) }, () => step);
          s.append(batch);
          model.log.push(...batch);
        } else if (r < 50) {
          const from = model.first + rng.below(model.log.length + 1);
          s.truncate(from);
          model.log.length = from - model.first;
        } else if (r < 55) {
          const through = model.first - 1 + rng.below(model.log.length + 3);
          s.compact(through);
          if (through >= model.first) {
            model.log.splice(0, through - model.first + 1);
            model.first = through + 1;
          }
        } else if (r < 70) {
          const key = `k${rng.below(4)}`;
          s.put(key, step);
          model.hard[key] = step;
        } else if (r < 75) {
          const key = `k${rng.below(4)}`;
          s.delete(key);
          delete model.hard[key];
        } else if (r < 93) {
          s.sync();
          synced = structuredClone(model);
        } else {
          s = h.crash(s);
          model = structuredClone(synced);
        }
        expect([s.firstIndex(), s.lastIndex()]).toEqual([
          model.first,
          model.first + model.log.length - 1,
        ]);
        if (step % 10 === 0 || last !== s.lastIndex()) {
          expect(log(s)).toEqual(model.log);
          expect(Object.fromEntries(s.keys().map((k) => [k, s.get(k)]))).toEqual(model.hard);
        }
      }
    });
  });
}
