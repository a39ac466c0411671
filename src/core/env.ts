/**
 * The seam between a replication protocol and the world (DESIGN §2).
 *
 * A `Replica` is a deterministic state machine in the etcd-io/raft style: it is driven only by
 * calls into its four handlers, and acts only through its `Env`. It never reads a clock, sets
 * a real timer, opens a socket or touches a file; and because every handler runs to
 * completion before the next starts (the runtime guarantees this), a mode needs no locks.
 * Two runtimes implement `Env`: the live one (src/runtime/live, real processes, ws, disk) and
 * the simulator (src/runtime/sim, virtual time, seeded). Identical inputs in the same order ⇒
 * identical outputs, which is what makes simulation runs reproducible by seed.
 */
import type { RequestId, NodeId, TimerId } from './ids';
import type { ClientRequest, ClientResult } from './messages/client';
import type { PeerMessage } from './messages/envelope';
import type { DurableStorage } from './storage/durable-storage';
import type { ReplicaEvent } from './events';

export interface Env {
  /** This replica's node id. */
  readonly self: NodeId;
  /**
   * Milliseconds on this node's clock: virtual in the simulator, where a scenario may skew or
   * drift it; in the live runtime, the process's wall clock (also subject to skew faults).
   * Never assume two nodes' `now()` agree: HLC (clocks/hlc) exists for that.
   */
  readonly now: () => number;
  /**
   * Fire-and-forget: the message may be delayed or lost, and the mode learns nothing either
   * way. Modes must not rely on delivery or order; the runtimes do keep each directed link in
   * send order and never duplicate (ws over TCP, whose order Toxiproxy's latency toxic keeps;
   * the simulator matches). Sending to self goes through the runtime like any other message.
   * Messages issued after a `storage.sync()` leave only once it is durable (DurableStorage).
   */
  send(to: NodeId, msg: PeerMessage): void;
  /**
   * After `afterMs` on this node's clock, `onTimer(tag)` is called, unless cancelled first.
   * Timers do not survive a crash; `onStart` re-arms what it needs.
   */
  setTimer(afterMs: number, tag: string): TimerId;
  /** Cancelling a fired or unknown timer is a no-op. */
  cancelTimer(id: TimerId): void;
  /**
   * Completes a client request; at most once per request id (later replies are dropped by the
   * runtime and reported as a bug). Like `send`, held until any earlier `sync()` is durable.
   */
  reply(req: RequestId, res: ClientResult): void;
  /** Survives crash-restart, up to the last `sync()`. */
  readonly storage: DurableStorage;
  /** Uniform in [0, 1): seeded per node in the simulator (random.ts), Math.random live. */
  random(): number;
  /** An observation for metrics, the dashboard and the trace; never affects the run. */
  emit(ev: ReplicaEvent): void;
}

export interface Replica {
  /**
   * Called once, first. After a crash the runtime calls the factory again with the same
   * storage, so a restarted replica is a fresh object whose state is what it reads back from
   * `env.storage`; its timers are gone.
   */
  onStart(): void;
  /** A peer message, already checked by the envelope codec; the body is still the mode's to validate. */
  onMessage(from: NodeId, msg: PeerMessage): void;
  /** A client request, validated; the replica answers it with `env.reply` now or later. */
  onClient(req: ClientRequest): void;
  /** A timer set with `env.setTimer` fired. */
  onTimer(tag: string): void;
}

/**
 * How a mode makes replicas. `Config` is the mode's own view of the cluster and its options
 * (the modes' registry resolves it from the topology); core stays independent of the topology
 * format so that dependencies keep pointing downward (DESIGN §1).
 */
export type ReplicaFactory<Config> = (env: Env, config: Config) => Replica;

/** Timer tags and message types starting with this prefix belong to core and the runtimes. */
export const RESERVED_PREFIX = 'geolab.';
