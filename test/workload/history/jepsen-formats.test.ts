import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  detectFormat,
  formatEdnHistory,
  formatJepsenLog,
  formatJsonl,
  HistoryError,
  parseEdnHistory,
  parseJepsenLog,
  readHistory,
  writeHistory,
  type HistoryOp,
} from '../../../src/workload/history';
import {
  REFERENCE_DIR,
  referenceHistories,
} from '../../checker/linearizability/reference-histories';

const reference = (name: string): string => readFileSync(join(REFERENCE_DIR, name), 'utf8');

const geolabOps: HistoryOp[] = [
  { process: 0, type: 'invoke', f: 'write', key: 'x', value: 1, time: 0.5, region: 'us-east' },
  { process: 1, type: 'invoke', f: 'cas', key: 'x', value: [1, 2], time: 1, index: 1 },
  { process: 0, type: 'ok', f: 'write', key: 'x', value: 1, time: 10.25, region: 'us-east' },
  { process: 1, type: 'fail', f: 'cas', key: 'x', value: [1, 2], time: 11, error: 'cas-mismatch' },
  { process: 'nemesis', type: 'info', f: 'start', value: 'cut "eu" off', time: 12 },
  { process: 2, type: 'invoke', f: 'read', key: 'x', value: null, time: 13 },
  {
    process: 2,
    type: 'info',
    f: 'read',
    key: 'x',
    value: null,
    time: 20,
    error: ['temporarily-unavailable', null],
  },
];

describe('Jepsen EDN histories', () => {
  it.each(['vector', 'lines'] as const)('round-trip geolab histories as a %s', (layout) => {
    const text = formatEdnHistory(geolabOps, layout);
    expect(parseEdnHistory(text).ops).toEqual(geolabOps);
    // And the JSON Lines of what comes back is the JSON Lines we started from.
    expect(formatJsonl(parseEdnHistory(text).ops)).toBe(formatJsonl(geolabOps));
  });

  it('round-trip every Knossos and Porcupine EDN history through geolab ops', () => {
    for (const h of referenceHistories().filter((r) => !r.name.endsWith('.log'))) {
      const { ops } = parseEdnHistory(readFileSync(h.path, 'utf8'));
      for (const layout of ['vector', 'lines'] as const) {
        expect(parseEdnHistory(formatEdnHistory(ops, layout)).ops).toEqual(ops);
      }
    }
  });

  it('writes what Knossos reads: keywords, :time in ns', () => {
    expect(formatEdnHistory(geolabOps.slice(3, 5), 'lines')).toBe(
      '{:process 1, :type :fail, :f :cas, :key "x", :value [1 2], :time 11000000, :error :cas-mismatch}\n' +
        '{:process :nemesis, :type :info, :f :start, :value "cut \\"eu\\" off", :time 12000000}\n',
    );
    expect(formatEdnHistory([])).toBe('[]\n');
  });

  it('reads Knossos data: file order is time when there is no :time', () => {
    const { ops, lines } = parseEdnHistory(
      reference('knossos/cas-register/bad/rethink-fail-minimal.edn'),
    );
    expect(ops.length).toBe(8);
    expect(ops[0]).toEqual({ process: 0, type: 'invoke', f: 'write', value: 0, time: 0 });
    expect(ops.map((o) => o.time)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Comment lines are skipped but counted.
    expect(lines).toEqual([1, 2, 4, 5, 7, 8, 12, 13]);
  });

  it('uses :time when every event has one and they never go backwards', () => {
    const text =
      '{:process 0, :type :invoke, :f :read, :value nil, :time 1500000}\n' +
      '{:process 0, :type :ok, :f :read, :value 3, :time 2000000}\n';
    expect(parseEdnHistory(text).ops.map((o) => o.time)).toEqual([1.5, 2]);
    // rethink-fail-smaller has :time, but out of file order in places: Knossos uses the order.
    const { ops } = parseEdnHistory(reference('knossos/cas-register/bad/rethink-fail-smaller.edn'));
    expect(ops.slice(0, 3).map((o) => o.time)).toEqual([0, 1, 2]);
  });

  it('reads nemesis events and :error values', () => {
    const { ops } = parseEdnHistory(reference('knossos/cas-register/bad/cas-failure.edn'));
    expect(ops.filter((o) => o.process === 'nemesis').map((o) => o.f)).toEqual(
      expect.arrayContaining(['start', 'stop']),
    );
    const failed = parseEdnHistory(reference('knossos/cas-register/bad/immediate-failure.edn'));
    expect(failed.ops[2]).toMatchObject({
      type: 'fail',
      f: 'write',
      error: ['temporarily-unavailable', null],
    });
  });

  it('reads Porcupine kv data: one map per line, string keys', () => {
    const { ops } = parseEdnHistory(reference('porcupine/kv/c01-ok.txt'));
    expect(ops[0]).toEqual({
      process: 0,
      type: 'invoke',
      f: 'append',
      key: '0',
      value: 'x 0 0 y',
      time: 0,
    });
  });

  it.each([
    [
      '[{:process 0, :type :invoke, :f :read}\n 7]',
      'line 1: expected an op map {:process …, :type …}, not 7',
    ],
    [
      '{:process 0, :type :invoked, :f :read, :value nil}',
      'line 1: unknown op type :invoked (expected :invoke, :ok, :fail, :info)',
    ],
    ['{:type :invoke, :f :read, :value nil}', 'line 1: op map has no :process'],
    [
      '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :write, :value 1}',
      'line 2: ok write of process 0 completes the read invoked on line 1 (expected f read)',
    ],
    [
      '{:process 1.5, :type :invoke, :f :read}',
      'line 1: :process must be a non-negative integer or a keyword such as :nemesis',
    ],
  ])('rejects %j', (text, message) => {
    expect(() => parseEdnHistory(text)).toThrow(HistoryError);
    expect(() => parseEdnHistory(text)).toThrow(message);
  });
});

describe('Jepsen log lines', () => {
  it('round-trip every Porcupine etcd log byte for byte', () => {
    for (const h of referenceHistories().filter((r) => r.name.endsWith('.log'))) {
      const text = readFileSync(h.path, 'utf8');
      expect(formatJepsenLog(parseJepsenLog(text).ops)).toBe(text);
    }
  });

  it('reads the etcd semantics: fail cas observed, info timed out', () => {
    const text = [
      'INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]',
      'INFO  jepsen.util - 1\t:invoke\t:write\t4',
      'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 0\t:fail\t:cas\t[1 2]',
      'INFO  jepsen.util - 1\t:info\t:write\t:timed-out',
      'INFO  jepsen.util - 2\t:fail\t:read\t:timed-out',
      '',
    ].join('\n');
    expect(parseJepsenLog(text).ops.slice(3)).toEqual([
      { process: 0, type: 'fail', f: 'cas', value: [1, 2], time: 3, error: 'cas-mismatch' },
      { process: 1, type: 'info', f: 'write', value: 4, time: 4, error: 'timed-out' },
      { process: 2, type: 'fail', f: 'read', value: null, time: 5, error: 'timed-out' },
    ]);
    expect(formatJepsenLog(parseJepsenLog(text).ops)).toBe(text);
  });

  it('writes a plain fail and an info without an error as keywords, never as a result', () => {
    const ops: HistoryOp[] = [
      { process: 0, type: 'invoke', f: 'cas', value: [1, 2], time: 0 },
      { process: 0, type: 'fail', f: 'cas', value: [1, 2], time: 1 },
      { process: 0, type: 'invoke', f: 'write', value: 3, time: 2 },
      { process: 0, type: 'info', f: 'write', value: 3, time: 3 },
    ];
    expect(formatJepsenLog(ops).split('\n').slice(1, 4)).toEqual([
      'INFO  jepsen.util - 0\t:fail\t:cas\t:failed',
      'INFO  jepsen.util - 0\t:invoke\t:write\t3',
      'INFO  jepsen.util - 0\t:info\t:write\t:timed-out',
    ]);
    expect(parseJepsenLog(formatJepsenLog(ops)).ops[1]).toMatchObject({
      type: 'fail',
      error: 'failed',
    });
  });

  it('refuses keyed histories, which the format cannot carry', () => {
    expect(() => formatJepsenLog(geolabOps)).toThrow(/Jepsen log lines have no keys/);
  });

  it('skips other loggers and rejects malformed jepsen.util lines', () => {
    const text = 'INFO  jepsen.core - Running test\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n';
    expect(parseJepsenLog(text).lines).toEqual([2]);
    expect(() => parseJepsenLog('INFO  jepsen.util - 0 :invoke :read nil')).toThrow(
      'line 1: expected "INFO  jepsen.util - PROCESS\\t:TYPE\\t:F\\tVALUE"',
    );
    expect(() => parseJepsenLog('INFO  jepsen.util - 0\t:invoke\t:read\t[1')).toThrow(
      'line 1: bad value "[1": \'[\' opened on line 1 is never closed',
    );
    expect(() => parseJepsenLog('INFO  jepsen.util - 0\t:ok\t:read\t1')).toThrow(
      'line 1: ok read of process 0 completes an op that was never invoked',
    );
  });
});

describe('format detection', () => {
  it.each([
    ['knossos/cas-register/good/memstress3-0.edn', 'edn'],
    ['knossos/cas-register/good/cas-register-bug.edn', 'edn'],
    ['knossos/cas-register/bad/rethink-fail-minimal.edn', 'edn'],
    ['porcupine/kv/c01-ok.txt', 'edn-lines'],
    ['porcupine/etcd/etcd_000.log', 'jepsen-log'],
  ])('%s is %s', (name, format) => {
    expect(detectFormat(reference(name))).toBe(format);
  });

  it('detects JSON Lines and reads every format through one door', () => {
    for (const format of ['jsonl', 'edn', 'edn-lines'] as const) {
      const text = writeHistory(geolabOps, format);
      expect(detectFormat(text)).toBe(format);
      expect(readHistory(text).ops).toEqual(geolabOps);
    }
    expect(readHistory('  \n').ops).toEqual([]);
    expect(() => readHistory('hello')).toThrow(/cannot tell the history format/);
  });
});
