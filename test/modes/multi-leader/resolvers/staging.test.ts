import { Staging } from '../../../../src/modes/multi-leader/resolvers/staging';
import { applyOp, editText, type Value } from '../../../../src/modes/multi-leader/resolvers/values';

// The overlay a CRDT resolver shows between seals must equal what the document will hold
// once the staged effect is written: these cases fold ops the way a batch does.

describe('applyOp (read-modify-write, and what staged reads show)', () => {
  it('turns a key into the kind of the op, keeping what carries over', () => {
    const register = (value: number | string): Value => ({ kind: 'register', value });
    expect(applyOp(register(5), { f: 'increment', key: 'k', value: 2 })).toEqual({
      kind: 'counter',
      value: 7,
    });
    expect(applyOp(register('x'), { f: 'increment', key: 'k', value: 2 })).toEqual({
      kind: 'counter',
      value: 2,
    });
    expect(
      applyOp(register('ab'), { f: 'text', key: 'k', value: { index: 1, delete: 0, insert: '-' } }),
    ).toEqual({ kind: 'text', value: 'a-b' });
    expect(applyOp({ kind: 'counter', value: 3 }, { f: 'append', key: 'k', value: 1 })).toEqual({
      kind: 'list',
      value: [1],
    });
  });

  it('clamps text edits to the text', () => {
    expect(editText('abc', { index: 10, delete: 5, insert: '!' })).toBe('abc!');
    expect(editText('abc', { index: 1, delete: 10, insert: '' })).toBe('a');
  });
});

describe('Staging', () => {
  const inDoc: Value = { kind: 'counter', value: 10 };

  it('folds increments of a document counter into one', () => {
    const s = new Staging();
    s.stage('n', { f: 'increment', key: 'n', value: 1 }, inDoc);
    expect(s.stage('n', { f: 'increment', key: 'n', value: 2 }, inDoc)).toEqual({
      kind: 'counter',
      value: 13,
    });
    expect([...s.entries()]).toEqual([['n', { kind: 'increment', delta: 3 }]]);
    expect(s.ops).toBe(2);
  });

  it('makes a write, and everything after it, one replacement', () => {
    const s = new Staging();
    s.stage('n', { f: 'increment', key: 'n', value: 1 }, inDoc);
    s.stage('n', { f: 'write', key: 'n', value: 5 }, inDoc);
    s.stage('n', { f: 'increment', key: 'n', value: 1 }, inDoc);
    expect([...s.entries()]).toEqual([
      ['n', { kind: 'replace', value: { kind: 'counter', value: 6 } }],
    ]);
    expect(s.effective('n', inDoc)).toEqual({ kind: 'counter', value: 6 });
  });

  it('keeps text edits in order, clamped against the text they apply to', () => {
    const s = new Staging();
    const text: Value = { kind: 'text', value: 'ab' };
    s.stage('t', { f: 'text', key: 't', value: { index: 9, delete: 0, insert: 'c' } }, text);
    s.stage('t', { f: 'text', key: 't', value: { index: 0, delete: 1, insert: 'A' } }, text);
    expect(s.effective('t', text)).toEqual({ kind: 'text', value: 'Abc' });
    expect([...s.entries()][0][1]).toEqual({
      kind: 'edits',
      edits: [
        { index: 2, delete: 0, insert: 'c' },
        { index: 0, delete: 1, insert: 'A' },
      ],
    });
  });

  it('appends to a document list, or replaces what is not one', () => {
    const s = new Staging();
    s.stage('l', { f: 'append', key: 'l', value: 3 }, { kind: 'list', value: [1, 2] });
    expect(s.effective('l', { kind: 'list', value: [1, 2] })).toEqual({
      kind: 'list',
      value: [1, 2, 3],
    });
    s.stage('m', { f: 'append', key: 'm', value: 3 }, { kind: 'register', value: 'x' });
    expect([...s.entries()][1]).toEqual([
      'm',
      { kind: 'replace', value: { kind: 'list', value: [3] } },
    ]);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.ops).toBe(0);
  });
});
