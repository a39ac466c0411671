import {
  EdnChar,
  EdnList,
  EdnMap,
  EdnSet,
  EdnSymbol,
  EdnTagged,
  HistoryError,
  Keyword,
  printEdn,
  readEdn,
  type Edn,
} from '../../../src/workload/history';

const one = (text: string): Edn => {
  const forms = readEdn(text);
  expect(forms.length).toBe(1);
  return forms[0].value;
};

describe('EDN reader', () => {
  it('reads scalars', () => {
    expect(one('nil')).toBeNull();
    expect(one('true')).toBe(true);
    expect(one('-42')).toBe(-42);
    expect(one('42N')).toBe(42);
    expect(one('1.5e3')).toBe(1500);
    expect(one('"a \\"b\\"\\n\\u00e9"')).toBe('a "b"\né');
    expect(one(':timed-out')).toEqual(new Keyword('timed-out'));
    expect(one(':jepsen/op')).toEqual(new Keyword('jepsen/op'));
    expect(one('foo')).toEqual(new EdnSymbol('foo'));
    expect(one('\\newline')).toEqual(new EdnChar('\n'));
    expect(one('\\a')).toEqual(new EdnChar('a'));
  });

  it('reads collections, with commas as whitespace, comments and discards', () => {
    const v = one('{:a [1 2], :b (3 #{4}) ; a comment\n #_ :ignored :c #inst "2017-01-01"}');
    expect(v).toBeInstanceOf(EdnMap);
    const m = v as EdnMap;
    expect(m.get('a')).toEqual([1, 2]);
    expect(m.get('b')).toEqual(new EdnList([3, new EdnSet([4])]));
    expect(m.get('c')).toEqual(new EdnTagged('inst', '2017-01-01'));
    expect(m.has('ignored')).toBe(false);
    expect(m.get('missing')).toBeUndefined();
  });

  it('gives every top-level form and map its line', () => {
    const forms = readEdn('; header\n{:a 1}\n\n{:b\n 2}\n');
    expect(forms.map((f) => f.line)).toEqual([2, 4]);
    const nested = readEdn('[{:a 1}\n {:b 2}]')[0].value as EdnMap[];
    expect(nested.map((m) => m.line)).toEqual([1, 2]);
  });

  it.each([
    ['[1 2', "line 1: '[' opened on line 1 is never closed"],
    ['{:a 1\n:b}', 'line 1: a map needs an even number of forms (a key without a value)'],
    ['\n\n"abc', 'line 3: string opened on line 3 is never closed'],
    ['(1 2))', "line 1: unexpected ')' (nothing to close here)"],
    ['12abc', "line 1: '12abc' is not a number"],
    ['"\\q"', 'line 1: unknown escape \\q in a string (expected \\n \\t \\r \\" \\\\ \\uXXXX)'],
    ['99999999999999999999', 'line 1: integer 99999999999999999999 is too large to read exactly'],
  ])('rejects %j', (text, message) => {
    expect(() => readEdn(text)).toThrow(HistoryError);
    expect(() => readEdn(text)).toThrow(message);
  });
});

describe('EDN printer', () => {
  it('prints what the reader reads back', () => {
    const values: Edn[] = [
      null,
      false,
      -7,
      2.5,
      3e21,
      'tab\there "quoted" \\ back',
      new Keyword('invoke'),
      [1, [2, null]],
      new EdnList([new Keyword('a'), 'b']),
      new EdnSet([1]),
      new EdnTagged('inst', '2017-01-01'),
      new EdnChar(' '),
      new EdnMap(
        [
          [new Keyword('process'), 0],
          ['string key', [new Keyword('x')]],
        ],
        1,
      ), // the line the reader will give it
    ];
    for (const v of values) expect(one(printEdn(v))).toEqual(v);
  });

  it('prints maps as Jepsen does', () => {
    const m = new EdnMap([
      [new Keyword('process'), 0],
      [new Keyword('value'), [1, 2]],
    ]);
    expect(printEdn(m)).toBe('{:process 0, :value [1 2]}');
    expect(printEdn(2)).toBe('2');
    expect(printEdn(2.0001)).toBe('2.0001');
  });
});
