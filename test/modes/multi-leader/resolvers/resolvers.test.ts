import { asNodeId } from '../../../../src/core/ids';
import type { Json } from '../../../../src/core/json';
import { ShapeError } from '../../../../src/core/messages/shape';
import { Rng } from '../../../../src/core/random';
import {
  makeResolver,
  valueJson,
  type Resolver,
  type ResolverName,
  type UpdateOp,
} from '../../../../src/modes/multi-leader/resolvers';
import { AutomergeResolver } from '../../../../src/modes/multi-leader/resolvers/automerge';
import { YjsResolver } from '../../../../src/modes/multi-leader/resolvers/yjs';

// Each resolver on its own, without the replication layer: replicas exchange sealed payloads
// by hand, in whatever order a test wants.

function make(name: ResolverName, self: string, saved?: Json): Resolver {
  const rng = new Rng(`resolver:${self}`);
  return makeResolver(name, {
    shards: 4,
    random: () => rng.next(),
    now: () => 1000,
    self: asNodeId(self),
    ...(saved === undefined ? {} : { saved }),
  });
}

/** Every replica seals; every replica applies every other's payload. */
function exchange(replicas: Record<string, Resolver>): void {
  const sealed = Object.entries(replicas).map(([origin, r]) => ({ origin, s: r.seal() }));
  for (const [self, r] of Object.entries(replicas)) {
    const payloads = sealed
      .filter((x) => x.origin !== self && x.s !== undefined)
      .map((x) => ({ origin: asNodeId(x.origin), payload: x.s?.payload ?? null }));
    expect(r.apply(payloads)).toEqual([]);
  }
}

function apply(r: Resolver, op: UpdateOp): Json {
  const outcome = r.update(op);
  if (!outcome.ok) throw new Error(outcome.detail);
  return outcome.value;
}

const read = (r: Resolver, key: string): Json => valueJson(r.read(key));
const ALL: ResolverName[] = ['automerge', 'yjs', 'lww'];
const CRDTS: ResolverName[] = ['automerge', 'yjs'];

describe.each(ALL)('resolver %s', (name) => {
  it('shows an update at once, before and after it is sealed', () => {
    const r = make(name, 'a');
    apply(r, { f: 'write', key: 'x', value: { nested: [1, 'two'] } });
    expect(read(r, 'x')).toEqual({ nested: [1, 'two'] });
    expect(apply(r, { f: 'increment', key: 'n', value: 2 })).toBe(2);
    expect(apply(r, { f: 'increment', key: 'n', value: 3 })).toBe(5);
    expect(r.staged).toBe(3);
    const sealed = r.seal();
    expect(sealed?.keys).toEqual(['n', 'x']);
    expect(sealed?.ops).toBe(3);
    expect(r.staged).toBe(0);
    expect(r.seal()).toBeUndefined();
    expect(read(r, 'x')).toEqual({ nested: [1, 'two'] });
    expect(read(r, 'n')).toBe(5);
    expect(read(r, 'absent')).toBeNull();
  });

  it('converges: replicas that applied the same payloads show the same state', () => {
    const rs = { a: make(name, 'a'), b: make(name, 'b'), c: make(name, 'c') };
    for (let round = 0; round < 5; round++) {
      for (const [id, r] of Object.entries(rs)) {
        apply(r, { f: 'write', key: `k${round % 3}`, value: `${id}${round}` });
        apply(r, { f: 'increment', key: 'n', value: 1 });
        apply(r, { f: 'append', key: 'log', value: `${id}${round}` });
      }
      exchange(rs);
    }
    const states = Object.values(rs).map((r) => r.canonicalState());
    expect(new Set(states).size).toBe(1);
    expect(read(rs.a, 'k0')).toEqual(read(rs.c, 'k0'));
  });

  it('replaces a value of another kind, keeping what carries over', () => {
    const r = make(name, 'a');
    apply(r, { f: 'write', key: 'k', value: 40 });
    expect(apply(r, { f: 'increment', key: 'k', value: 2 })).toBe(42);
    r.seal();
    expect(r.read('k')).toEqual({ kind: 'counter', value: 42 });
    apply(r, { f: 'append', key: 'k', value: 'x' });
    expect(r.read('k')).toEqual({ kind: 'list', value: ['x'] });
    apply(r, { f: 'write', key: 'k', value: 'hello' });
    r.seal();
    apply(r, { f: 'text', key: 'k', value: { index: 5, delete: 0, insert: '!' } });
    expect(r.read('k')).toEqual({ kind: 'text', value: 'hello!' });
  });

  it('restores from save() to the same state', () => {
    const r = make(name, 'a');
    apply(r, { f: 'write', key: 'x', value: 1 });
    apply(r, { f: 'increment', key: 'n', value: 7 });
    apply(r, { f: 'append', key: 'l', value: [1] });
    r.seal();
    const copy = make(name, 'a-again', r.save());
    expect(copy.canonicalState()).toBe(r.canonicalState());
    // The restored replica keeps working: its own updates still merge.
    apply(copy, { f: 'increment', key: 'n', value: 1 });
    const sealed = copy.seal();
    r.apply([{ origin: asNodeId('a-again'), payload: sealed?.payload ?? null }]);
    expect(read(r, 'n')).toBe(8);
  });

  it('refuses a malformed payload with a ShapeError', () => {
    const r = make(name, 'a');
    for (const bad of [
      null,
      'x',
      [[0]],
      [['k', 'register']],
      [[99, 'AAAA']],
      [[0, 'not base64!']],
    ]) {
      expect(() => r.readPayload(bad, 'p')).toThrow(ShapeError);
    }
  });
});

describe.each(CRDTS)('CRDT resolver %s', (name) => {
  it('keeps every concurrent increment of a counter that existed before', () => {
    const rs = { a: make(name, 'a'), b: make(name, 'b'), c: make(name, 'c') };
    apply(rs.a, { f: 'increment', key: 'n', value: 1 });
    exchange(rs);
    for (const r of Object.values(rs))
      for (let i = 0; i < 10; i++) apply(r, { f: 'increment', key: 'n', value: 1 });
    exchange(rs);
    for (const r of Object.values(rs)) expect(read(r, 'n')).toBe(31);
  });

  it('keeps every concurrent text insertion, none interleaved', () => {
    const rs = { a: make(name, 'a'), b: make(name, 'b') };
    apply(rs.a, { f: 'text', key: 't', value: { index: 0, delete: 0, insert: '[]' } });
    exchange(rs);
    apply(rs.a, { f: 'text', key: 't', value: { index: 1, delete: 0, insert: 'alpha' } });
    apply(rs.b, { f: 'text', key: 't', value: { index: 1, delete: 0, insert: 'beta' } });
    exchange(rs);
    const text = String(read(rs.a, 't'));
    expect(text).toBe(read(rs.b, 't'));
    expect(['[alphabeta]', '[betaalpha]']).toContain(text);
  });

  it('converges when two regions create one counter or list concurrently; one counter wins', () => {
    // The creation of a CRDT object is a write of its key: objects created concurrently are
    // siblings. For counters one wins and the increments on the other are hidden with it;
    // Automerge keeps both lists, and the resolver reads them joined, where a Yjs map keeps
    // one. Create shared counters (and Yjs lists) before regions update them concurrently.
    const rs = { a: make(name, 'a'), b: make(name, 'b') };
    apply(rs.a, { f: 'increment', key: 'n', value: 5 });
    apply(rs.b, { f: 'increment', key: 'n', value: 7 });
    apply(rs.a, { f: 'append', key: 'l', value: 'x' });
    apply(rs.b, { f: 'append', key: 'l', value: 'y' });
    exchange(rs);
    apply(rs.b, { f: 'increment', key: 'n', value: 1 });
    apply(rs.a, { f: 'append', key: 'l', value: 'z' });
    exchange(rs);
    expect(read(rs.a, 'n')).toBe(read(rs.b, 'n'));
    expect(read(rs.a, 'l')).toEqual(read(rs.b, 'l'));
    // The increment made after the exchange applies to both siblings.
    expect([6, 8]).toContain(read(rs.a, 'n'));
    if (name === 'automerge') {
      expect([...(read(rs.a, 'l') as string[])].sort()).toEqual(['x', 'y', 'z']);
    }
  });
});

describe('Automerge and Yjs ids', () => {
  it('draws actor and client ids from the random stream: same seed, same ids', () => {
    const am = [make('automerge', 'a'), make('automerge', 'a')] as AutomergeResolver[];
    expect(am[0].actor).toMatch(/^[0-9a-f]{32}$/);
    expect(am[0].actor).toBe(am[1].actor);
    const y = [make('yjs', 'a'), make('yjs', 'a'), make('yjs', 'b')] as YjsResolver[];
    expect(y[0].clientId).toBe(y[1].clientId);
    expect(y[0].clientId).not.toBe(y[2].clientId);
  });

  it('refuses a fractional counter in Automerge, whose counters are integers', () => {
    const r = make('automerge', 'a');
    const outcome = r.update({ f: 'increment', key: 'n', value: 0.5 });
    expect(outcome).toMatchObject({ ok: false, error: 'invalid-request' });
    expect(r.staged).toBe(0);
  });
});

describe('LWW', () => {
  it('loses one of two concurrent increments: the lossy baseline', () => {
    const rs = { a: make('lww', 'a'), b: make('lww', 'b') };
    apply(rs.a, { f: 'increment', key: 'n', value: 1 });
    exchange(rs);
    apply(rs.a, { f: 'increment', key: 'n', value: 1 });
    apply(rs.b, { f: 'increment', key: 'n', value: 1 });
    exchange(rs);
    expect(read(rs.a, 'n')).toBe(2);
    expect(read(rs.b, 'n')).toBe(2);
  });
});
