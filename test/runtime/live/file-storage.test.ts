import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileStorage,
  JOURNAL_FILE,
  JOURNAL_TEMP_FILE,
  type FileStorageOptions,
  type StorageIo,
} from '../../../src/runtime/live/file-storage';
import type { DurableStorage } from '../../../src/core/storage/durable-storage';
import type { Json } from '../../../src/core/json';
import { describeDurableStorage } from '../../core/storage/conformance';

const root = fs.mkdtempSync(join(tmpdir(), 'geolab-file-storage-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function freshDir(): string {
  return join(root, `store-${++dirs}`);
}

function openFresh(options: FileStorageOptions = {}): FileStorage {
  return FileStorage.open(freshDir(), options);
}

/** A crash: the object is dropped unsynced and unclosed, and a new process opens the directory. */
function reopen(s: DurableStorage): FileStorage {
  return FileStorage.open((s as FileStorage).dir);
}

function journalOf(s: FileStorage): string {
  return join(s.dir, JOURNAL_FILE);
}

interface Snapshot {
  first: number;
  log: Json[];
  hard: Record<string, Json>;
}

function snapshot(s: DurableStorage): Snapshot {
  return {
    first: s.firstIndex(),
    log: [...s.entries(s.firstIndex(), s.lastIndex() + 1)],
    hard: Object.fromEntries(s.keys().map((k) => [k, s.get(k) ?? null])),
  };
}

/** Byte offsets at which each line of a journal starts. */
function lineOffsets(file: string): number[] {
  const data = fs.readFileSync(file);
  const offsets = [0];
  for (let i = data.indexOf(0x0a); i >= 0 && i + 1 < data.length; i = data.indexOf(0x0a, i + 1)) {
    offsets.push(i + 1);
  }
  return offsets;
}

describeDurableStorage('FileStorage', { open: () => openFresh(), crash: reopen });

describe('FileStorage on disk', () => {
  it('writes nothing before sync, then one readable checksummed line a write', () => {
    const s = openFresh();
    const empty = fs.statSync(journalOf(s)).size;
    s.append([{ term: 1, cmd: 'set x 1' }]);
    s.put('term', 1);
    expect(fs.statSync(journalOf(s)).size).toBe(empty);
    expect(s.stats().pendingBytes).toBeGreaterThan(0);
    s.sync();
    const lines = fs.readFileSync(journalOf(s), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, 9))).toEqual(
      lines.map(() => expect.stringMatching(/^[0-9a-f]{8} $/)),
    );
    expect(lines.map((l) => JSON.parse(l.slice(9)))).toEqual([
      { kind: 'header', format: 'geolab-file-storage', version: 1 },
      { kind: 'append', entries: [{ term: 1, cmd: 'set x 1' }] },
      { kind: 'put', key: 'term', value: 1 },
    ]);
    expect(s.stats()).toMatchObject({ journalBytes: fs.statSync(journalOf(s)).size, syncs: 1 });
  });

  it('does no I/O for a sync with nothing pending', () => {
    const s = openFresh();
    s.sync();
    s.append(['a']);
    s.sync();
    s.sync();
    s.delete('absent');
    s.truncate(2);
    s.compact(0);
    s.sync();
    expect(s.stats().syncs).toBe(1);
  });

  it('drops a torn final record and cuts the file back before appending again', () => {
    const s = openFresh();
    s.append(['a', 'b']);
    s.put('term', 2);
    s.sync();
    const synced = fs.statSync(journalOf(s)).size;
    s.append(['c']);
    s.put('term', 3);
    s.sync();
    // The crash came while the second sync was writing: only part of its first record landed.
    fs.truncateSync(journalOf(s), synced + 5);
    const t = reopen(s);
    expect(snapshot(t)).toEqual({ first: 1, log: ['a', 'b'], hard: { term: 2 } });
    expect(t.stats().tornBytesDropped).toBe(5);
    expect(fs.statSync(journalOf(t)).size).toBe(synced);
    t.append(['x']);
    t.sync();
    expect(snapshot(reopen(t)).log).toEqual(['a', 'b', 'x']);
  });

  it('drops a tail of whole lines that never reached the disk (zeros, bad checksums)', () => {
    const s = openFresh();
    s.append(['a']);
    s.sync();
    const synced = fs.statSync(journalOf(s)).size;
    s.append(['b']);
    s.append(['c']);
    s.sync();
    const data = fs.readFileSync(journalOf(s));
    data.fill(0, synced, data.length - 1); // the newline at the very end survived
    fs.writeFileSync(journalOf(s), data);
    const t = reopen(s);
    expect(snapshot(t).log).toEqual(['a']);
    expect(t.stats().tornBytesDropped).toBe(data.length - synced);
  });

  it('refuses a corrupt record in the middle, naming the file, offset and line', () => {
    const s = openFresh();
    for (const e of ['a', 'b', 'c']) {
      s.append([e]);
      s.sync();
    }
    const file = journalOf(s);
    const offsets = lineOffsets(file);
    const data = fs.readFileSync(file);
    // A bit flip inside line 3 (the append of 'b') that leaves it valid JSON: only the checksum sees it.
    const at = data.indexOf('"b"', offsets[2]) + 1;
    data[at] = 'B'.charCodeAt(0);
    fs.writeFileSync(file, data);
    expect(() => reopen(s)).toThrow(
      `${file}: corrupt record at byte offset ${offsets[2]} (line 3): checksum mismatch`,
    );
    expect(() => reopen(s)).toThrow(`a valid record follows at byte offset ${offsets[3]}`);
  });

  it('refuses a record with a good checksum that does not fit the log', () => {
    const s = openFresh();
    s.append(['a']);
    s.sync();
    const t = openFresh();
    t.append(['x', 'y', 'z']);
    t.truncate(3);
    t.sync();
    // Splice t's truncate(3), valid in itself, after s's one-entry log.
    const foreign = fs.readFileSync(journalOf(t), 'utf8').trimEnd().split('\n').pop() ?? '';
    fs.appendFileSync(journalOf(s), `${foreign}\n`);
    expect(() => reopen(s)).toThrow(
      /invalid record at byte offset \d+ \(line 3\): from = 3 outside \[1, 2\]/,
    );
  });

  it('refuses a file that is not a journal', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(join(dir, JOURNAL_FILE), 'term=3\nvote=n2\n');
    expect(() => FileStorage.open(dir)).toThrow(
      `${join(dir, JOURNAL_FILE)}: no whole header record; not a geolab-file-storage journal`,
    );
  });

  it('reopens after a clean close with what was written, synced or not', () => {
    const s = openFresh();
    s.append(['a']);
    s.sync();
    s.append(['b']);
    s.put('vote', 'n3');
    s.close();
    s.close(); // idempotent
    expect(() => s.append(['c'])).toThrow(/closed/);
    expect(() => s.sync()).toThrow(/closed/);
    expect(s.entry(2)).toBe('b'); // reads still answer from memory
    const t = reopen(s);
    expect(snapshot(t)).toEqual({ first: 1, log: ['a', 'b'], hard: { vote: 'n3' } });
    expect(t.stats().tornBytesDropped).toBe(0);
    t.close();
  });

  it('keeps large and awkward values exact', () => {
    const s = openFresh();
    const big = 'x'.repeat(4 * 1024 * 1024);
    const awkward = {
      text: 'line\nbreak\u2028sep "quoted" \\ é 🌍',
      n: [-0.5, 1e300, 0],
      nil: null,
    };
    const wide = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `v${i}` }));
    s.append([big, awkward]);
    s.put('snapshot', wide);
    s.sync();
    const t = reopen(s);
    expect(t.entry(1)).toBe(big);
    expect(t.entry(2)).toEqual(awkward);
    expect(t.get('snapshot')).toEqual(wide);
  });

  it('uses any NAME_PATTERN key as it is', () => {
    const keys = ['A', '0', 'a.b', 'x-y_z', 'v1.2.3', 'a..', 'Z_', 'k'.repeat(128)];
    const s = openFresh();
    keys.forEach((k, i) => s.put(k, i));
    s.sync();
    const t = reopen(s);
    expect(t.keys()).toEqual([...keys].sort());
    keys.forEach((k, i) => expect(t.get(k)).toBe(i));
    expect(fs.readdirSync(t.dir)).toEqual([JOURNAL_FILE]);
    expect(() => t.put('k'.repeat(129), 1)).toThrow(RangeError);
    expect(() => t.put('a/b', 1)).toThrow(RangeError);
  });

  it('freezes values written and values loaded', () => {
    const s = openFresh();
    const entry = { term: 1, cmd: { key: 'k' } };
    s.append([entry]);
    expect(() => {
      (entry.cmd as { key: string }).key = 'changed';
    }).toThrow(TypeError);
    s.put('vote', { term: 1, for: 'n2' });
    s.sync();
    const t = reopen(s);
    expect(Object.isFrozen(t.entry(1))).toBe(true);
    expect(Object.isFrozen((t.entry(1) as { cmd: Json }).cmd)).toBe(true);
    expect(Object.isFrozen(t.get('vote'))).toBe(true);
  });

  it('refuses rewrite options that would rewrite on every sync', () => {
    expect(() => openFresh({ rewriteRatio: 1.2 })).toThrow(
      'rewriteRatio = 1.2: expected a number ≥ 1.5 (default 2)',
    );
    expect(() => openFresh({ rewriteMinBytes: -1 })).toThrow(RangeError);
  });

  it('creates nested directories and removes a leftover temporary journal', () => {
    const dir = join(freshDir(), 'a', 'b');
    const s = FileStorage.open(dir);
    s.put('term', 1);
    s.sync();
    fs.writeFileSync(join(dir, JOURNAL_TEMP_FILE), 'half a rewr');
    const t = reopen(s);
    expect(t.get('term')).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([JOURNAL_FILE]);
  });

  it('bounds the journal over 50,000 appends with compaction, and keeps the state', () => {
    const minBytes = 64 * 1024;
    const s = openFresh({ rewriteMinBytes: minBytes });
    let written = 0;
    let largest = 0;
    for (let i = 1; i <= 50_000; i++) {
      s.append([{ term: Math.ceil(i / 5000), cmd: `set k${i % 97} ${i}` }]);
      if (i % 1000 === 0) {
        s.compact(i - 300); // a snapshot covers all but the last 300 entries
        s.put('commit', i);
      }
      if (i % 50 === 0) {
        written += s.stats().pendingBytes;
        s.sync();
        const { journalBytes, liveBytes } = s.stats();
        expect(fs.statSync(journalOf(s)).size).toBe(journalBytes);
        // The rewrite rule, checked after every sync: never past the minimum or twice the live state.
        expect(journalBytes).toBeLessThanOrEqual(Math.max(minBytes, 2 * liveBytes));
        largest = Math.max(largest, journalBytes);
      }
    }
    expect(written).toBeGreaterThan(3_000_000);
    expect(largest).toBeLessThan(100_000);
    expect(s.stats().rewrites).toBeGreaterThan(10);
    const t = reopen(s);
    expect(snapshot(t)).toEqual(snapshot(s));
    expect([t.firstIndex(), t.lastIndex()]).toEqual([49_701, 50_000]);
    expect(t.entry(50_000)).toEqual({ term: 10, cmd: 'set k45 50000' });
  });

  it('rewrites with the live state when there is no compaction too', () => {
    const s = openFresh({ rewriteMinBytes: 0 });
    s.append(['a', 'b', 'c']);
    s.put('term', 1);
    s.sync();
    for (let term = 2; term < 200; term++) {
      s.put('term', term); // overwritten hard state is dead weight
      s.sync();
    }
    expect(s.stats().rewrites).toBeGreaterThan(0);
    expect(s.stats().journalBytes).toBeLessThan(4 * s.stats().liveBytes);
    expect(snapshot(reopen(s))).toEqual({ first: 1, log: ['a', 'b', 'c'], hard: { term: 199 } });
  });
});

/** node:fs, except that the `failAt`-th call (counting from 0 once armed) throws. */
function failingIo(failAt: number): { io: StorageIo; arm(): void; calls(): string[] } {
  let armed = false;
  const seen: string[] = [];
  const step = (name: string): boolean => {
    if (!armed) return false;
    seen.push(name);
    return seen.length - 1 === failAt;
  };
  const eio = (name: string): Error =>
    Object.assign(new Error(`EIO: i/o error, ${name}`), { code: 'EIO' });
  const io: StorageIo = {
    openSync: (f, flags) => {
      if (step(`open ${f.endsWith(JOURNAL_TEMP_FILE) ? 'temp' : 'dir'}`)) throw eio('open');
      return fs.openSync(f, flags);
    },
    closeSync: (fd) => {
      if (step('close')) throw eio('close');
      fs.closeSync(fd);
    },
    writeSync: (fd, data, offset, length, position) => {
      if (step('write')) {
        // Half of it lands before the crash.
        fs.writeSync(fd, data, offset, Math.floor(length / 2), position);
        throw eio('write');
      }
      return fs.writeSync(fd, data, offset, length, position);
    },
    fsyncSync: (fd) => {
      if (step('fsync')) throw eio('fsync');
      fs.fsyncSync(fd);
    },
    ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
    renameSync: (from, to) => {
      if (step('rename')) throw eio('rename');
      fs.renameSync(from, to);
    },
    unlinkSync: (f) => fs.unlinkSync(f),
    readFileSync: (f) => fs.readFileSync(f),
    mkdirSync: (d, options) => fs.mkdirSync(d, options),
  };
  return { io, arm: () => (armed = true), calls: () => seen };
}

describe('FileStorage failures', () => {
  /** A store with a synced state, and pending writes whose sync will rewrite the journal. */
  function beforeRewrite(io: StorageIo): { s: FileStorage; before: Snapshot; after: Snapshot } {
    const s = openFresh({ io, rewriteMinBytes: 0 });
    s.append(Array.from({ length: 100 }, (_, i) => ({ i })));
    s.put('term', 1);
    s.sync();
    const before = snapshot(s);
    s.compact(95);
    s.put('term', 2);
    return { s, before, after: snapshot(s) };
  }

  it('survives a crash at every step of a journal rewrite', () => {
    const clean = failingIo(-1);
    const { s: probe } = beforeRewrite(clean.io);
    clean.arm();
    probe.sync();
    expect(probe.stats().rewrites).toBe(1);
    const steps = clean.calls();
    expect(steps).toEqual([
      'open temp',
      'write',
      'fsync',
      'rename',
      'open dir',
      'fsync',
      'close',
      'close',
    ]);
    const renamed = steps.indexOf('rename');
    for (let k = 0; k < steps.length; k++) {
      const failing = failingIo(k);
      const { s, before, after } = beforeRewrite(failing.io);
      failing.arm();
      expect(() => s.sync()).toThrow(/failed \(EIO: i\/o error, \w+\).*must stop \(fail-stop\)/);
      expect(() => s.put('term', 3)).toThrow(/fail-stop/);
      const t = reopen(s);
      expect(snapshot(t)).toEqual(k <= renamed ? before : after);
      expect(fs.readdirSync(t.dir)).toEqual([JOURNAL_FILE]);
      t.append(['more']);
      t.sync();
      expect(reopen(t).entry(t.lastIndex())).toBe('more');
    }
  });

  it('stops for good when an append to the journal cannot be written or fsynced', () => {
    for (const [k, step] of [
      [0, 'write'],
      [1, 'fsync'],
    ] as const) {
      const failing = failingIo(k);
      const s = openFresh({ io: failing.io });
      s.append(['a']);
      s.sync();
      s.append(['b']);
      failing.arm();
      expect(() => s.sync()).toThrow(
        `${journalOf(s)}: appending to the journal failed (EIO: i/o error, ${step}); the writes since the last sync may not be durable, so this replica must stop (fail-stop)`,
      );
      expect(() => s.sync()).toThrow(/fail-stop/);
      expect(() => s.append(['c'])).toThrow(/fail-stop/);
      expect(failing.calls()).toEqual(k === 0 ? ['write'] : ['write', 'fsync']);
      // A write failure left half a record (torn); an fsync failure a whole one, never promised.
      expect(snapshot(reopen(s)).log).toEqual(k === 0 ? ['a'] : ['a', 'b']);
    }
  });
});
