/**
 * Last-write-wins: the lossy baseline. Every key is a register stamped with a hybrid logical
 * clock (core/clocks/hlc) and the origin leader's id; of two versions the one with the larger
 * (timestamp, origin) wins everywhere, so replicas converge, but one of two concurrent writes
 * silently disappears. Increments, appends and text edits are read-modify-write on the
 * register: two regions that each add 1 to 5 concurrently both write 6, and one increment is
 * lost. That loss is what this resolver is here to show (DDIA ch. 5, "Last write wins"); the
 * CRDT resolvers keep both. (Topologies refuse `text` with LWW; a client that sends one
 * anyway gets the same read-modify-write.)
 *
 * HLC rather than wall clocks, so that a write that causally follows another (its region had
 * applied the other first) always wins over it, whatever the clocks' skew; concurrent writes
 * are ordered by (near-)physical time, which is what Cassandra's LWW does with wall clocks.
 */
import { isNodeId, type NodeId } from '../../../core/ids';
import {
  compareHlc,
  HLC_ZERO,
  hlcNow,
  hlcReceive,
  MAX_C,
  MAX_L,
  type Hlc,
} from '../../../core/clocks/hlc';
import type { Json } from '../../../core/json';
import { MAX_KEY_LENGTH, type Key } from '../../../core/messages/client';
import { object, required, ShapeError } from '../../../core/messages/shape';
import { canonicalState } from './canonical';
import type { OriginPayload, Resolver, ResolverOptions, Sealed, UpdateOutcome } from './resolver';
import { applyOp, resultOf, sortedKeys, valueOfKind, type UpdateOp, type Value } from './values';

interface Version {
  readonly value: Value;
  readonly ts: Hlc;
  readonly origin: NodeId;
}

/** A key's version as a payload carries it: the origin is the update's. */
interface KeyVersion {
  readonly key: Key;
  readonly value: Value;
  readonly ts: Hlc;
}

export class LwwResolver implements Resolver {
  readonly name = 'lww';
  private readonly store = new Map<Key, Version>();
  /** Keys written since the last seal: each key's last version is all a batch needs to carry. */
  private readonly pending = new Map<Key, Version>();
  private pendingOps = 0;
  private clock: Hlc = HLC_ZERO;

  constructor(private readonly options: ResolverOptions) {
    if (options.saved !== undefined) this.restore(options.saved);
  }

  get staged(): number {
    return this.pendingOps;
  }

  update(op: UpdateOp): UpdateOutcome {
    const value = applyOp(this.store.get(op.key)?.value, op);
    this.clock = hlcNow(this.clock, this.options.now());
    const version: Version = { value, ts: this.clock, origin: this.options.self };
    this.store.set(op.key, version);
    this.pending.set(op.key, version);
    this.pendingOps++;
    return { ok: true, value: resultOf(op, value) };
  }

  read(key: Key): Value | undefined {
    return this.store.get(key)?.value;
  }

  seal(): Sealed | undefined {
    if (this.pending.size === 0) return undefined;
    const keys = sortedKeys(this.pending.keys());
    // [key, kind, value, l, c]: positional, since a batch repeats it for every key it wrote.
    const payload = keys.map((key): Json => {
      const v = this.pending.get(key) as Version;
      return [key, v.value.kind, v.value.value, v.ts.l, v.ts.c];
    });
    const ops = this.pendingOps;
    this.pending.clear();
    this.pendingOps = 0;
    return { payload, keys, ops, changes: 0, binaryBytes: 0 };
  }

  apply(payloads: readonly OriginPayload[]): string[] {
    for (const { origin, payload } of payloads) {
      for (const { key, value, ts } of readVersions(payload, 'payload')) {
        const received = hlcReceive(this.clock, ts, this.options.now());
        if (received.ok) this.clock = received.clock;
        const incoming: Version = { value, ts, origin };
        const current = this.store.get(key);
        if (current === undefined || newer(incoming, current)) this.store.set(key, incoming);
      }
    }
    return [];
  }

  readPayload(v: Json | undefined, path: string): Json {
    readVersions(v, path);
    return v as Json;
  }

  save(): Json {
    return {
      clock: [this.clock.l, this.clock.c],
      store: sortedKeys(this.store.keys()).map((key): Json => {
        const v = this.store.get(key) as Version;
        return [key, v.value.kind, v.value.value, v.ts.l, v.ts.c, v.origin];
      }),
    };
  }

  keyCount(): number {
    return this.store.size;
  }

  canonicalState(): string {
    return canonicalState(this.store.keys(), (k) => this.read(k));
  }

  private restore(saved: Json): void {
    const o = object(saved, 'lww', ['clock', 'store']);
    const clock = required(o, 'clock', 'lww', isArray, '[l, c]');
    this.clock = readHlc(clock[0], clock[1], 'lww.clock');
    required(o, 'store', 'lww', isArray, 'an array').forEach((item: Json, i: number) => {
      const path = `lww.store[${i}]`;
      if (!Array.isArray(item) || item.length !== 6 || !isNodeId(item[5])) {
        throw new ShapeError(path, '[key, kind, value, l, c, origin]', item);
      }
      const { key, value, ts } = readVersion(item.slice(0, 5), path);
      this.store.set(key, { value, ts, origin: item[5] });
    });
  }
}

/** Whether `a` wins over `b`: the later timestamp, and on a tie the larger origin id. */
function newer(a: Version, b: Version): boolean {
  const order = compareHlc(a.ts, b.ts);
  return order !== 0 ? order > 0 : a.origin > b.origin;
}

const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);

function readVersions(v: Json | undefined, path: string): KeyVersion[] {
  if (!Array.isArray(v)) throw new ShapeError(path, 'an array of versions', v);
  return v.map((item: Json, i: number) => readVersion(item, `${path}[${i}]`));
}

function readVersion(v: Json | undefined, path: string): KeyVersion {
  if (!Array.isArray(v) || v.length !== 5) {
    throw new ShapeError(path, '[key, kind, value, l, c]', v);
  }
  const [key, kind, raw, l, c] = v as readonly Json[];
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ShapeError(`${path}[0]`, 'a key', key);
  }
  const value = typeof kind === 'string' ? valueOfKind(kind, raw) : undefined;
  if (value === undefined) throw new ShapeError(`${path}[1]`, 'a kind and a value of it', kind);
  return { key, value, ts: readHlc(l, c, `${path}[3]`) };
}

function readHlc(l: Json | undefined, c: Json | undefined, path: string): Hlc {
  const inRange = (x: Json | undefined, max: number): x is number =>
    typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;
  if (!inRange(l, MAX_L) || !inRange(c, MAX_C)) {
    throw new ShapeError(path, 'an HLC timestamp (l, c)', l ?? null);
  }
  return { l, c };
}
