import {
  formatJsonl,
  HistoryError,
  parseJsonl,
  type HistoryOp,
} from '../../../src/workload/history';

const ops: HistoryOp[] = [
  { process: 0, type: 'invoke', f: 'write', key: 'k1', value: 3, time: 0, region: 'eu-west' },
  { process: 1, type: 'invoke', f: 'cas', key: 7, value: [3, 4], time: 1.5, index: 1 },
  { process: 0, type: 'ok', f: 'write', key: 'k1', value: 3, time: 2, region: 'eu-west' },
  {
    process: 1,
    type: 'fail',
    f: 'cas',
    key: 7,
    value: [3, 4],
    time: 4,
    error: 'cas-mismatch',
  },
  { process: 'nemesis', type: 'info', f: 'start', value: { cut: ['a', 'b'] }, time: 5 },
  { process: 2, type: 'invoke', f: 'read', value: null, time: 6 },
  { process: 2, type: 'info', f: 'read', value: null, time: 9, error: 'timed-out' },
];

/** The message a line of JSON Lines gets, alone in an otherwise valid history. */
function problem(line: string, before = ''): string {
  try {
    parseJsonl(before + line + '\n');
  } catch (e) {
    if (e instanceof HistoryError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('JSON Lines histories', () => {
  it('round-trip: write, read back, write again byte for byte', () => {
    const text = formatJsonl(ops);
    expect(text.split('\n')[0]).toBe(
      '{"process":0,"type":"invoke","f":"write","key":"k1","value":3,"time":0,"region":"eu-west"}',
    );
    const parsed = parseJsonl(text);
    expect(parsed.ops).toEqual(ops);
    expect(parsed.lines).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(formatJsonl(parsed.ops)).toBe(text);
  });

  it('skips blank lines and numbers lines as the file does', () => {
    const text = '\n' + formatJsonl(ops.slice(0, 1)) + '\n   \n' + formatJsonl(ops.slice(2, 3));
    expect(parseJsonl(text).lines).toEqual([2, 5]);
  });

  it.each([
    ['{"process":0,"type":"invoke","f":"read","value":null', /^line 1: not JSON \(/],
    ['[1,2]', /^line 1: expected an op record/],
    ['{"process":0,"type":"invoke","f":"read","time":0}', 'line 1: missing field "value"'],
    [
      '{"process":0,"type":"invok","f":"read","value":null,"time":0}',
      'line 1: unknown op type "invok" (expected invoke, ok, fail, info)',
    ],
    [
      '{"process":0,"type":"invoke","f":"read","value":null,"time":0,"tiem":1}',
      'line 1: unknown field "tiem" (known fields: process, type, f, key, value, time, region, index, error)',
    ],
    [
      '{"process":-1,"type":"invoke","f":"read","value":null,"time":0}',
      'line 1: "process" must be a non-negative integer or a name, not -1',
    ],
    [
      '{"process":0,"type":"invoke","f":"read","value":null,"time":"soon"}',
      'line 1: "time" must be a non-negative number of milliseconds, not "soon"',
    ],
    [
      '{"process":0,"type":"invoke","f":"read","key":[1],"value":null,"time":0}',
      'line 1: "key" must be a string or a number, not [1]',
    ],
    [
      '{"process":0,"type":"ok","f":"read","value":3,"time":0}',
      'line 1: ok read of process 0 completes an op that was never invoked',
    ],
  ])('rejects %s', (line, expected) => {
    const message = problem(line);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('rejects what makes events not a history, naming both lines', () => {
    const invoke = '{"process":0,"type":"invoke","f":"read","value":null,"time":5}\n';
    expect(problem('{"process":0,"type":"invoke","f":"write","value":1,"time":6}', invoke)).toBe(
      'line 2: process 0 invokes write while its read from line 1 has not completed ' +
        '(a process runs one op at a time)',
    );
    expect(problem('{"process":0,"type":"ok","f":"write","value":1,"time":6}', invoke)).toBe(
      'line 2: ok write of process 0 completes the read invoked on line 1 (expected f read)',
    );
    expect(problem('{"process":0,"type":"ok","f":"read","value":1,"time":4}', invoke)).toBe(
      "line 2: time 4 is before the previous event's 5 " +
        '(a history lists its events in the order they happened)',
    );
    expect(
      problem('{"process":0,"type":"ok","f":"read","key":"b","value":1,"time":6}', invoke),
    ).toBe('line 2: ok read of process 0 has key b but its invocation on line 1 has key undefined');
  });
});
