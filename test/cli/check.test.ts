import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatJsonl, type HistoryOp } from '../../src/workload/history';
import { paperHistory } from '../checker/causal/notation';
import { REFERENCE_DIR } from '../checker/linearizability/reference-histories';
import { simulateRegister } from '../checker/linearizability/simulate';
import { history, read, write } from '../checker/linearizability/spans';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'geolab-check-'));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** check.json, when it was written. */
  report?: Record<string, unknown>;
}

let runs = 0;
async function check(...args: string[]): Promise<Ran> {
  const out = join(dir, `check-${runs++}.json`);
  let ran: Ran;
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, 'check', ...args, '--out', out]);
    ran = { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    ran = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  try {
    ran.report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not written: bad input.
  }
  return ran;
}

/** A history written by the history module, as JSON Lines in a file. */
function jsonl(name: string, ops: readonly HistoryOp[]): string {
  const file = join(dir, name);
  writeFileSync(file, formatJsonl(ops));
  return file;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('geolab check (built CLI)', () => {
  it('accepts a good Knossos history and rejects a bad one with a witness', async () => {
    const good = await check(join(REFERENCE_DIR, 'knossos/cas-register/good/cas-register-bug.edn'));
    expect({ code: good.code, stderr: good.stderr }).toEqual({ code: 0, stderr: '' });
    expect(good.stdout).toContain('linearizable (model cas-register');
    const bad = await check(join(REFERENCE_DIR, 'knossos/cas-register/bad/bad-analysis.edn'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('not linearizable (model cas-register)');
    expect(bad.stdout).toContain('process 21: read() → 2   invoked 13 (line 17)');
    expect(bad.report).toMatchObject({ schema: 'geolab.check/v1', verdict: 'violation' });
  });

  it('reads Porcupine’s etcd logs with --format log', async () => {
    const { code, report } = await check(
      join(REFERENCE_DIR, 'porcupine/etcd/etcd_002.log'),
      '--format',
      'log',
      '--checker',
      'lin',
    );
    expect(code).toBe(0);
    expect(report).toMatchObject({ format: 'jepsen-log', outcomes: { lin: 'ok' } });
  });

  it('names the session guarantee and the causal pattern of vector (e)', async () => {
    const path = jsonl('e.jsonl', paperHistory('W(x,1) W(y,1) | R(y,1) W(x,2) | R(x,2) R(x,1)'));
    const { code, stdout, report } = await check(path, '--checker', 'session,causal');
    expect(code).toBe(1);
    expect(stdout).toContain('monotonic-reads broken in session 2: read("x") → 1 (line 11)');
    expect(stdout).toContain('WriteCORead (rules out CC, CCv, CM)');
    expect(report).toMatchObject({
      outcomes: { session: 'violation', causal: 'violation' },
      causal: { models: { CC: 'no', CCv: 'no', CM: 'no' } },
    });
  });

  it('reports (a) as not convergent with no session guarantee broken', async () => {
    const path = jsonl('a.jsonl', paperHistory('W(x,1) R(x,2) | W(x,2) R(x,1)'));
    const { code, stdout, report } = await check(path, '--checker', 'session,causal');
    expect(code).toBe(1);
    expect(stdout).toContain('no session guarantee broken, but not convergent (CCv)');
    expect(report).toMatchObject({
      outcomes: { session: 'ok', causal: 'violation' },
      causal: { models: { CC: 'yes', CCv: 'no', CM: 'yes' } },
    });
  });

  it('passes a simulated linearizable history through every checker', async () => {
    // It has no final read once writes are over: lost writes are unknown, not a violation.
    const path = jsonl('sim.jsonl', simulateRegister(3, 4, 30).history);
    const { code, stdout, report } = await check(path, '--time-limit', '10s');
    expect({ code, stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining('verdict: unknown'),
    });
    expect(report).toMatchObject({
      outcomes: { lin: 'ok', session: 'ok', causal: 'ok', stale: 'unknown' },
    });
  });

  it('finds a lost write after the heal', async () => {
    const ops = [
      ...history(write(0, 1, 0, 10), write(1, 2, 20, 30)),
      { process: 'nemesis', type: 'info', f: 'start-partition', value: null, time: 31 },
      { process: 'nemesis', type: 'info', f: 'heal', value: null, time: 40 },
      ...history(read(2, 1, 50, 51)),
    ] as HistoryOp[];
    const { code, stdout, report } = await check(jsonl('lost.jsonl', ops), '--checker', 'stale');
    expect(code).toBe(1);
    expect(stdout).toContain('lost writes: 1 of 2 acknowledged');
    expect(stdout).toContain('lost on key null: process 1: write(2)');
    expect(report).toMatchObject({ stale: { lostWrites: { verdict: 'lost' } } });
  });

  it.each([
    [
      'a truncated line',
      '{"process":0,"type":"invoke","f":"read","value":null,"time":0}\n{"process":0,"ty',
      /line 2: not JSON/,
    ],
    [
      'an unknown op type',
      '{"process":0,"type":"begin","f":"read","value":null,"time":0}\n',
      /line 1: unknown op type "begin"/,
    ],
    [
      'a completion without an invocation',
      '{"process":0,"type":"invoke","f":"read","value":null,"time":0}\n{"process":0,"type":"ok","f":"read","value":null,"time":1}\n{"process":1,"type":"ok","f":"write","value":3,"time":2}\n',
      /line 3: ok write of process 1 completes an op that was never invoked/,
    ],
    [
      'an unknown function',
      '{"process":0,"type":"invoke","f":"frob","value":null,"time":0}\n',
      /line 1: .*"frob"/,
    ],
  ])('exits 2 with the line on %s', async (_what, text, message) => {
    const { code, stderr, report } = await check(file('bad.jsonl', text));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(report).toBeUndefined();
  });

  it('exits 2 on a missing file, an unknown checker, model or format', async () => {
    const good = join(REFERENCE_DIR, 'knossos/cas-register/good/cas-register-bug.edn');
    for (const [args, message] of [
      [['no-such.jsonl'], /no-such\.jsonl: cannot read the history: no such file/],
      [[good, '--checker', 'lin,magic'], /unknown checker "magic"/],
      [[good, '--model', 'queue'], /unknown model "queue"/],
      [[good, '--format', 'xml'], /unknown format "xml"/],
      [[good, '--time-limit', 'soon'], /--time-limit/],
    ] as [string[], RegExp][]) {
      const { code, stderr } = await check(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toMatch(message);
    }
  });
});
