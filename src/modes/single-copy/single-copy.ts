import type { Env, Replica } from '../../core/env';
import type { NodeId, RequestId } from '../../core/ids';
import { isJsonObject, type Json } from '../../core/json';
import {
  info,
  isUpdate,
  readClientRequest,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { RegisterStore } from '../shared/register-store';

/**
 * single-copy: the baseline every other mode is measured against (DESIGN §4). One replica,
 * the primary, holds all data; every other replica forwards its clients' requests to it and
 * relays the answer. Linearizable, since one node orders everything, and unavailable to
 * every client cut off from the primary.
 *
 * The primary logs each update durably (synced before it answers), so a crash loses no
 * acknowledged write, and it remembers recent outcomes by request id so a duplicated request
 * takes effect once.
 */
export interface SingleCopyConfig {
  readonly primary: NodeId;
  /** How long a forwarder waits for the primary before answering `info` (ms). */
  readonly forwardTimeoutMs?: number;
  /** How many update outcomes the primary remembers for deduplication. */
  readonly rememberUpdates?: number;
  /** Log entries between snapshots, which bound the log. */
  readonly snapshotEvery?: number;
}

const FORWARD = 'forward';
const FORWARDED = 'forward.result';
const SWEEP = 'forward.sweep';
const SNAPSHOT_KEY = 'snapshot';

interface LogEntry {
  readonly id: RequestId;
  readonly key: string;
  readonly value: Json;
  readonly result: ClientResult;
}

export class SingleCopy implements Replica {
  private readonly store: RegisterStore;
  /**
   * Requests this forwarder relayed to the primary, by id → when (local ms), in the order they
   * were sent. One sweep timer gives up on the overdue ones, rather than a timer per request.
   */
  private readonly forwarded = new Map<RequestId, number>();
  private sweeping = false;
  private readonly forwardTimeoutMs: number;
  private readonly snapshotEvery: number;

  constructor(
    private readonly env: Env,
    private readonly config: SingleCopyConfig,
  ) {
    this.store = new RegisterStore(config.rememberUpdates ?? 100_000);
    this.forwardTimeoutMs = config.forwardTimeoutMs ?? 30_000;
    this.snapshotEvery = config.snapshotEvery ?? 10_000;
  }

  private get isPrimary(): boolean {
    return this.env.self === this.config.primary;
  }

  onStart(): void {
    if (!this.isPrimary) {
      this.env.emit({ kind: 'role', role: 'replica' });
      return;
    }
    this.recover();
    this.env.emit({ kind: 'role', role: 'primary' });
    this.env.emit({ kind: 'leader', leader: this.env.self });
  }

  onClient(req: ClientRequest): void {
    if (this.isPrimary) {
      this.env.reply(req.id, this.execute(req));
      return;
    }
    // A retry re-sends the forward (the first may have been lost); the primary deduplicates.
    if (!this.forwarded.has(req.id)) this.forwarded.set(req.id, this.env.now());
    if (!this.sweeping) {
      this.sweeping = true;
      this.env.setTimer(this.sweepEveryMs(), SWEEP);
    }
    this.env.emit({ kind: 'forward', request: req.id, to: this.config.primary });
    this.env.send(this.config.primary, { type: FORWARD, body: req as unknown as Json });
  }

  onMessage(from: NodeId, msg: PeerMessage): void {
    if (msg.type === FORWARD && this.isPrimary) {
      const req = readClientRequest(msg.body, 'forward');
      const result = this.execute(req);
      this.env.send(from, { type: FORWARDED, body: result as unknown as Json });
      return;
    }
    if (msg.type === FORWARDED && !this.isPrimary) {
      const result = readClientResult(msg.body, 'forward.result');
      if (!this.forwarded.delete(result.id)) return;
      this.env.reply(result.id, result);
    }
  }

  onTimer(tag: string): void {
    if (tag !== SWEEP) return;
    const overdue = this.env.now() - this.forwardTimeoutMs;
    for (const [id, sentAt] of this.forwarded) {
      // Insertion order is send order: the first one not overdue ends the sweep.
      if (sentAt > overdue) break;
      this.forwarded.delete(id);
      // The primary may have applied it: the outcome is unknown, not a failure.
      this.env.reply(id, info(id, 'timeout', `no answer from the primary ${this.config.primary}`));
    }
    this.sweeping = this.forwarded.size > 0;
    if (this.sweeping) this.env.setTimer(this.sweepEveryMs(), SWEEP);
  }

  private sweepEveryMs(): number {
    return Math.min(1000, this.forwardTimeoutMs);
  }

  /** Run a request at the primary: once per request id, durably before it is answered. */
  private execute(req: ClientRequest): ClientResult {
    if (!isUpdate(req.op)) return this.store.apply(req.id, req.op).result;
    const seen = this.store.outcome(req.id);
    if (seen) return seen;
    const { result, changed } = this.store.apply(req.id, req.op);
    this.store.remember(req.id, result);
    if (changed !== undefined) {
      this.store.data.set(req.op.key, changed);
      const entry: LogEntry = { id: req.id, key: req.op.key, value: changed, result };
      this.env.storage.append([entry as unknown as Json]);
      this.env.storage.sync();
      this.env.emit({ kind: 'commit', index: this.env.storage.lastIndex(), count: 1 });
      this.maybeSnapshot();
    }
    return result;
  }

  private maybeSnapshot(): void {
    const storage = this.env.storage;
    const last = storage.lastIndex();
    if (last - storage.firstIndex() + 1 < this.snapshotEvery) return;
    // The outcomes go with the data: after a restart, a retry of an update the snapshot covers
    // must still be recognised, or it would apply twice.
    storage.put(SNAPSHOT_KEY, {
      index: last,
      data: [...this.store.data] as unknown as Json,
      outcomes: this.store.remembered() as unknown as Json,
    });
    storage.compact(last);
    storage.sync();
  }

  /** Rebuild the data (and the outcomes of logged updates) from the snapshot and the log. */
  private recover(): void {
    const storage = this.env.storage;
    const snapshot = storage.get(SNAPSHOT_KEY);
    if (isJsonObject(snapshot) && Array.isArray(snapshot.data)) {
      for (const pair of snapshot.data as readonly (readonly [string, Json])[]) {
        this.store.data.set(pair[0], pair[1]);
      }
      for (const [id, result] of (snapshot.outcomes ?? []) as unknown as [
        RequestId,
        ClientResult,
      ][]) {
        this.store.remember(id, result);
      }
    }
    for (const raw of storage.entries(storage.firstIndex(), storage.lastIndex() + 1)) {
      const entry = raw as unknown as LogEntry;
      this.store.data.set(entry.key, entry.value);
      this.store.remember(entry.id, entry.result);
    }
  }
}

export function singleCopy(env: Env, config: SingleCopyConfig): Replica {
  return new SingleCopy(env, config);
}
