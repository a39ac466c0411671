import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWindows } from '../../src/experiment/window-check';
import { HistoryError, type HistoryOp } from '../../src/workload/history';
import { formatJsonl } from '../../src/workload/history/jsonl';

// The soak's checker: a long history checked one key window at a time, from its file.
const W = 10_000;
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'geolab-windows-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function op(
  process: number,
  type: HistoryOp['type'],
  f: string,
  key: string,
  value: number | null,
  time: number,
): HistoryOp {
  return { process, type, f, key, value, time };
}

function file(name: string, ops: HistoryOp[]): string {
  const path = join(dir, name);
  writeFileSync(path, formatJsonl(ops));
  return path;
}

const HISTORY = [
  // window 0: w0:a is fine; w0:b reads a value nobody wrote.
  op(0, 'invoke', 'write', 'w0:a', 1, 0),
  op(0, 'ok', 'write', 'w0:a', 1, 5),
  op(1, 'invoke', 'write', 'w0:b', 5, 6),
  op(1, 'ok', 'write', 'w0:b', 5, 8),
  op(0, 'invoke', 'read', 'w0:a', null, 10),
  op(0, 'ok', 'read', 'w0:a', 1, 12),
  op(1, 'invoke', 'read', 'w0:b', null, 20),
  op(1, 'ok', 'read', 'w0:b', 7, 22),
  // window 1, long after window 0 closed.
  op(0, 'invoke', 'write', 'w1:a', 2, W + 9000),
  op(0, 'ok', 'write', 'w1:a', 2, W + 9001),
  op(0, 'invoke', 'read', 'w1:a', null, W + 9002),
  op(0, 'ok', 'read', 'w1:a', 2, W + 9003),
];

describe('checking a history one key window at a time', () => {
  it('counts keys by verdict and keeps a witness of the one that is not linearizable', async () => {
    const r = await checkWindows(file('h.jsonl', HISTORY), {});
    expect(r.windows).toBe(2);
    expect(r.keys).toEqual({ linearizable: 2, notLinearizable: 1, unknown: 0 });
    expect(r.ops).toBe(6);
    expect(r.largestWindowOps).toBe(4);
    expect(r.witnesses).toHaveLength(1);
    expect(r.witnesses[0]).toMatch(/^window 0: /);
    expect(r.witnesses[0]).toContain('line 8');
  });

  it('waits for a late completion before checking its window, however late it comes', async () => {
    // Regression: windows were checked a fixed time after they ended, and an op that timed
    // out late on a loaded machine then completed in a window already checked (HistoryError).
    const late = [
      op(0, 'invoke', 'write', 'w0:a', 1, 9000),
      op(1, 'invoke', 'write', 'w1:a', 2, W + 1),
      op(1, 'ok', 'write', 'w1:a', 2, W + 2),
      op(2, 'invoke', 'write', 'w2:a', 3, 2 * W + 1),
      op(2, 'ok', 'write', 'w2:a', 3, 2 * W + 2),
      op(0, 'info', 'write', 'w0:a', 1, 3 * W),
    ];
    const r = await checkWindows(file('late.jsonl', late), {});
    expect(r.windows).toBe(3);
    expect(r.keys).toEqual({ linearizable: 3, notLinearizable: 0, unknown: 0 });
  });

  it('says unknown, never a guess, for keys the budget does not reach', async () => {
    const ok = HISTORY.filter((o) => o.key !== 'w0:b');
    const r = await checkWindows(file('u.jsonl', ok), { maxStepsPerWindow: 0 });
    expect(r.keys).toEqual({ linearizable: 0, notLinearizable: 0, unknown: 2 });
  });

  it('names the line of a record that is not JSON', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, `${formatJsonl(HISTORY.slice(0, 2))}{"process":\n`);
    await expect(checkWindows(path, {})).rejects.toThrow(HistoryError);
    await expect(checkWindows(path, {})).rejects.toThrow(/3/);
  });
});
