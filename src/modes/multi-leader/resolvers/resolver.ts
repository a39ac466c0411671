/**
 * The one interface every conflict resolver implements (lww.ts, automerge.ts, yjs.ts): how a
 * region leader applies its clients' updates, packs them for replication, and merges the
 * updates of other regions. The replication layer (../replication) decides *when* a payload
 * is applied (per-origin FIFO, causal order); a resolver decides *what* the merged state is.
 *
 * The contract the replication layer relies on:
 * - `update` applies at once for `read` on this replica, and is replicated at the next `seal`.
 * - `seal` is called before every `apply`, so a payload is always stated against exactly the
 *   state its ops were accepted on (staging.ts explains why that matters for the overlay).
 * - `apply` receives payloads in an order that respects each origin's seal order, and, when
 *   causal delivery is on, causality across all keys and documents.
 * - Everything is deterministic given the constructor's inputs: actor ids and client ids
 *   come from `random` (seeded in the simulator), timestamps from `now`.
 */
import type { NodeId } from '../../../core/ids';
import type { Json } from '../../../core/json';
import type { Key } from '../../../core/messages/client';
import type { UpdateOp, Value } from './values';

export type ResolverName = 'automerge' | 'yjs' | 'lww';

export type UpdateOutcome =
  | { readonly ok: true; readonly value: Json }
  | {
      readonly ok: false;
      readonly error: 'invalid-request' | 'unsupported';
      readonly detail: string;
    };

/** The updates accepted since the last seal, packed for replication. */
export interface Sealed {
  /** The resolver's own encoding (binary changes as base64). */
  readonly payload: Json;
  /** Every key the ops wrote, sorted: what conflict detection looks at. */
  readonly keys: readonly Key[];
  /** How many client ops it carries. */
  readonly ops: number;
  /** How many CRDT changes or transactions it took (one per document touched; LWW: 0). */
  readonly changes: number;
  /** The library's own bytes (before base64): what the CRDT itself costs on the wire. */
  readonly binaryBytes: number;
}

/** A payload from another region (or from this replica's log, when it replays). */
export interface OriginPayload {
  readonly origin: NodeId;
  readonly payload: Json;
}

export interface Resolver {
  readonly name: ResolverName;
  /** Applies a client's update; `ok: false` only when the op cannot apply anywhere. */
  update(op: UpdateOp): UpdateOutcome;
  /** The key's value as this replica shows it now, staged updates included. */
  read(key: Key): Value | undefined;
  /** Ops staged since the last seal. */
  readonly staged: number;
  /** Packs what was staged; undefined when nothing was. */
  seal(): Sealed | undefined;
  /**
   * Merges payloads, in the order given, as one batch where the library allows (Automerge's
   * `applyChanges` on a whole batch is ≈ 300× faster than one change per call). Returns
   * problems (a payload the library refused) for the replica to log; never throws for them.
   */
  apply(payloads: readonly OriginPayload[]): string[];
  /** Checks a payload from a peer; throws ShapeError when it is malformed. */
  readPayload(v: Json | undefined, path: string): Json;
  /** The whole state as JSON, for a snapshot; `restore` in the factory's options reads it. */
  save(): Json;
  /** Every key's kind and value, keys sorted: equal text on converged replicas. */
  canonicalState(): string;
  /** How many keys the replica holds (staged keys not yet sealed aside). */
  keyCount(): number;
}

export interface ResolverOptions {
  /** Documents the keys are sharded into (Automerge, Yjs); ignored by LWW. */
  readonly shards: number;
  /** Uniform in [0, 1): env.random, so ids are seeded in the simulator. */
  readonly random: () => number;
  /** env.now: HLC physical time (LWW) and Automerge's advisory change time. */
  readonly now: () => number;
  readonly self: NodeId;
  /** A state `save()` returned, to continue from (after a restart). */
  readonly saved?: Json;
}

/** A new 32-bit id from `random` (Yjs client ids; Automerge actor ids are four of them). */
export function randomUint32(random: () => number): number {
  return Math.floor(random() * 0x1_0000_0000) >>> 0;
}
