import type { Env, Replica } from '../../../core/env';
import type { NodeId, RequestId, TimerId } from '../../../core/ids';
import {
  fail,
  info,
  isUpdate,
  type ClientRequest,
  type ClientResult,
} from '../../../core/messages/client';
import type { PeerMessage } from '../../../core/messages/envelope';
import { ShapeError } from '../../../core/messages/shape';
import { KeyGauge } from '../../shared/key-gauge';
import { RegisterStore } from '../../shared/register-store';
import { resolveConfig, type AsyncConfig, type ResolvedAsyncConfig } from './config';
import { epochOwner, nextEpochOf } from './epochs';
import { successor, type LogPosition } from './failover';
import { replay, ReplicatedLog, type LogEntry } from './log';
import {
  encode,
  readMessage,
  type Append,
  type AppendReply,
  type AsyncMessage,
  type Position,
  type PositionQuery,
  type SnapshotChunk,
} from './messages';
import { Progress } from './progress';
import { chunkSnapshot, SnapshotAssembly } from './snapshot-transfer';
import { Waits, type AckWait, type ReplyTo } from './waits';

/**
 * async / semi-sync: primary-backup replication without consensus (DESIGN §4; DDIA ch. 5
 * "Handling node outages" and ch. 8 "The leader and the lock"). It exists to show what such
 * a system costs when the network misbehaves:
 *
 * - The primary applies each update, logs it durably and answers at once (async) or once one
 *   backup holds it (semi-sync, as MySQL's semi-synchronous replication); it streams its log
 *   to the backups, which apply it in order, and heartbeats when idle.
 * - A backup that hears no primary for `failoverTimeoutMs` asks every peer how far its log
 *   reaches, waits `failoverWindowMs`, and promotes itself if it is the most up-to-date of
 *   those that answered (failover.ts). Nothing makes the others agree: a cut-off minority
 *   promotes too, and the old primary, which never learns it was replaced, keeps accepting
 *   writes. Two primaries; when they meet, the older steps down and truncates its log to the
 *   newer's, and every write it acknowledged alone is lost.
 * - Epochs number the primaries (epochs.ts: one owner per epoch). They are durable and
 *   synced before anything is done on their strength. A primary steps down as soon as it
 *   hears of a newer epoch — from the newer primary's appends, from a peer's failover query
 *   or answer — fencing or not.
 * - Without fencing a backup takes replication from whichever primary sent it last, whatever
 *   its epoch: during a split, the stale primary's writes can land on (and overwrite) replicas
 *   that already followed the new one.
 * - With `fencing`, the epoch is a fencing token (Kleppmann, "How to do distributed locking",
 *   2016): a replica refuses replication from any epoch older than the newest it has seen and
 *   answers with its epoch, which makes the stale primary step down. What fencing does NOT do
 *   in this mode: it cannot stop a stale primary from applying and acknowledging writes
 *   locally (async) or with the backups still on its side of the partition (semi-sync) —
 *   those acknowledgements are still lost when it steps down. What it guarantees: no replica
 *   that has seen the newer epoch ever applies a write from the older one, so the newer
 *   primary's side is never overwritten; the split-brain writes stay on the stale side and
 *   are discarded there. Only consensus (raft) prevents the acknowledgements themselves.
 *
 * A restarted node always comes back as a backup, even one that was the primary: it cannot
 * know whether it was replaced while down, and coming back as primary would make a second
 * primary every time. If nobody took over, it times out like the others, is the most
 * up-to-date, and promotes itself with a new epoch a failover later.
 *
 * Events: `role` (primary/backup, term = epoch), `leader` (the primary this node takes
 * replication from, and its epoch), `commit` (updates appended: by a primary as it accepts
 * them, by a backup as it applies what a primary sent), metrics prefixed `async_`.
 */

/** Failover timeouts a replica waits before its first failover, until it hears a primary. */
const BOOT_GRACE = 3;
const EPOCH_KEY = 'epoch';
const HEARTBEAT = 'heartbeat';
const DETECT = 'failover.detect';
const DECIDE = 'failover.decide';
const SWEEP = 'sweep';
/** Lag gauges every this many heartbeats: enough for a chart, without an event per beat. */
const LAG_EVERY_TICKS = 10;

interface FailoverRound {
  readonly round: number;
  readonly positions: Map<NodeId, LogPosition>;
  /** A primary of the newest epoch answered: it is alive and reachable, so none is needed. */
  primaryAnswered: boolean;
}

export class PrimaryBackup implements Replica {
  private readonly config: ResolvedAsyncConfig;
  private readonly log: ReplicatedLog;
  private store: RegisterStore;
  private readonly keyGauge: KeyGauge;
  private role: 'primary' | 'backup' = 'backup';
  /** The newest epoch this node has seen anywhere (durable); as primary, its own. */
  private epoch = 0;
  /** The primary whose replication this node takes (itself as primary), with its epoch. */
  private following: { readonly node: NodeId; readonly epoch: number } | null = null;
  /** When this node last heard from a primary it accepted (local ms). */
  private lastHeard = 0;
  /**
   * Whether this incarnation has heard from any primary yet. Until it has, it waits
   * BOOT_GRACE failover timeouts before starting a failover, and promotes itself only if some
   * peer answered: replicas of a cluster start one by one and link up through the proxy, and
   * on a loaded machine (nine processes on two cores) every backup of three-regions.yaml
   * promoted itself in turn with "0 peer(s) answered", leaving the first primary in epoch 9,
   * in ap-southeast-1, instead of in the pinned us-east-1.
   */
  private heardPrimary = false;
  /** As primary: each backup's copy of the log. */
  private readonly progress = new Map<NodeId, Progress>();
  private round = 0;
  private failover: FailoverRound | undefined;
  /** Requests this backup forwarded to the primary, awaiting its answer; see onForwarded. */
  private readonly forwards: Waits<{ retried: boolean }>;
  /** semi-sync: updates awaiting a backup's acknowledgement, in log order. */
  private readonly acks: Waits<AckWait>;
  private readonly incoming = new SnapshotAssembly();
  private readonly members: ReadonlySet<NodeId>;
  private heartbeatTimer: TimerId | undefined;
  private detectTimer: TimerId | undefined;
  private sweeping = false;
  private ticks = 0;

  constructor(
    private readonly env: Env,
    config: AsyncConfig,
  ) {
    this.config = resolveConfig(config);
    this.store = new RegisterStore(this.config.rememberUpdates);
    this.keyGauge = new KeyGauge(env);
    this.log = new ReplicatedLog(env.storage);
    this.forwards = new Waits(this.config.forwardTimeoutMs);
    this.acks = new Waits(this.config.semiSyncTimeoutMs);
    this.members = new Set(this.config.members.map((m) => m.id));
  }

  // ---- the four handlers ----------------------------------------------------------------

  onStart(): void {
    const storage = this.env.storage;
    this.log.load(this.store);
    const saved = storage.get(EPOCH_KEY);
    if (typeof saved === 'number') {
      this.epoch = saved;
      const owner = this.owner(saved);
      this.becomeBackup(owner === this.env.self ? null : { node: owner, epoch: saved });
      return;
    }
    const first = nextEpochOf(this.config.initialPrimary, 0, this.config.members);
    if (this.config.initialPrimary === this.env.self) {
      this.becomePrimary(first);
      return;
    }
    this.epoch = first;
    storage.put(EPOCH_KEY, first);
    storage.sync();
    this.becomeBackup({ node: this.config.initialPrimary, epoch: first });
  }

  onClient(req: ClientRequest): void {
    const read = req.op.f === 'read';
    const level = req.level;
    if (level !== undefined && !(read && (level === 'leader' || level === 'follower'))) {
      this.env.reply(
        req.id,
        fail(req.id, 'unsupported', `async takes no level but leader or follower, on reads`),
      );
      return;
    }
    if (this.role === 'primary' || (read && (level ?? this.config.reads) === 'follower')) {
      this.execute(req, { kind: 'client' });
      return;
    }
    this.forward(req);
  }

  onMessage(from: NodeId, msg: PeerMessage): void {
    if (!this.members.has(from) || from === this.env.self) return;
    let m: AsyncMessage | undefined;
    try {
      m = readMessage(msg);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      this.warn(`ignored a malformed ${msg.type} from ${from}: ${e.message}`);
      return;
    }
    if (m === undefined) return;
    switch (m.type) {
      case 'append':
        return this.onAppend(from, m.body);
      case 'append.reply':
        return this.onAppendReply(from, m.body);
      case 'snapshot':
        return this.onSnapshot(from, m.body);
      case 'failover.query':
        return this.onQuery(from, m.body);
      case 'failover.position':
        return this.onPosition(from, m.body);
      case 'forward':
        return this.onForward(from, m.body);
      case 'forward.result':
        return this.onForwarded(m.body);
    }
  }

  onTimer(tag: string): void {
    switch (tag) {
      case HEARTBEAT:
        this.keyGauge.update(() => this.store.data.size);
        return this.onHeartbeat();
      case DETECT:
        return this.onDetect();
      case DECIDE:
        return this.decideFailover();
      case SWEEP:
        return this.sweep();
    }
  }

  // ---- roles ----------------------------------------------------------------------------

  private becomePrimary(epoch: number): void {
    this.setEpoch(epoch);
    this.role = 'primary';
    this.failover = undefined;
    this.cancel(this.detectTimer);
    this.detectTimer = undefined;
    this.progress.clear();
    for (const m of this.config.members) {
      if (m.id !== this.env.self) this.progress.set(m.id, new Progress(this.log.lastIndex()));
    }
    // The epoch's first entry: backups with a stale suffix meet a conflict at once.
    this.log.append([{ epoch }]);
    this.env.storage.sync();
    this.env.emit({ kind: 'role', role: 'primary', term: epoch });
    this.setFollowing({ node: this.env.self, epoch });
    for (const [peer, p] of this.progress) this.replicate(peer, p, 'probe');
    this.heartbeatTimer = this.env.setTimer(this.config.heartbeatIntervalMs, HEARTBEAT);
  }

  private becomeBackup(following: { node: NodeId; epoch: number } | null): void {
    const wasPrimary = this.role === 'primary';
    this.role = 'backup';
    this.cancel(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.progress.clear();
    for (const [id, wait] of this.acks.clear()) {
      // The entry may survive (if the new primary has it) or not: unknown, not failed.
      this.answer(
        id,
        info(id, 'indeterminate', 'the primary stepped down before a backup acknowledged'),
        wait.replyTo,
      );
    }
    if (wasPrimary)
      this.env.emit({
        kind: 'log',
        level: 'info',
        message: `stepped down: epoch ${this.epoch} is newer`,
      });
    this.env.emit({ kind: 'role', role: 'backup', term: this.epoch });
    this.setFollowing(following);
    this.lastHeard = this.env.now();
    this.armDetect(this.config.failoverTimeoutMs);
  }

  /** Records a newer epoch (durably, before acting on it); a primary hearing one steps down. */
  private noteEpoch(epoch: number): void {
    if (epoch <= this.epoch) return;
    this.setEpoch(epoch);
    this.env.storage.sync();
    if (this.role === 'primary') this.becomeBackup({ node: this.owner(epoch), epoch });
  }

  private setEpoch(epoch: number): void {
    this.epoch = epoch;
    this.env.storage.put(EPOCH_KEY, epoch);
  }

  private setFollowing(next: { node: NodeId; epoch: number } | null): void {
    const now = this.following;
    if (now?.node === next?.node && now?.epoch === next?.epoch) return;
    this.following = next;
    this.env.emit(
      next === null
        ? { kind: 'leader', leader: null }
        : { kind: 'leader', leader: next.node, term: next.epoch },
    );
  }

  // ---- clients --------------------------------------------------------------------------

  /** Serve a request here: a read from this copy; an update, as primary, once per request id. */
  private execute(req: ClientRequest, replyTo: ReplyTo): void {
    if (!isUpdate(req.op)) {
      this.answer(req.id, this.store.apply(req.id, req.op).result, [replyTo]);
      return;
    }
    const waiting = this.acks.get(req.id);
    if (waiting !== undefined) {
      // A retry joins the wait; a client's second copy needs no second answer.
      if (!waiting.replyTo.some((r) => sameTarget(r, replyTo))) waiting.replyTo.push(replyTo);
      return;
    }
    const seen = this.store.outcome(req.id);
    if (seen !== undefined) {
      this.answer(req.id, seen, [replyTo]);
      return;
    }
    const { result, changed } = this.store.apply(req.id, req.op);
    this.store.remember(req.id, result);
    if (changed === undefined) {
      this.answer(req.id, result, [replyTo]);
      return;
    }
    this.store.data.set(req.op.key, changed);
    this.log.append([{ epoch: this.epoch, id: req.id, op: req.op }]);
    this.env.storage.sync();
    const index = this.log.lastIndex();
    this.env.emit({ kind: 'commit', index, count: 1 });
    if (this.config.semiSync && this.progress.size > 0) {
      this.acks.add(req.id, this.env.now(), { index, result, replyTo: [replyTo] });
      this.armSweep();
    } else {
      this.answer(req.id, result, [replyTo]);
    }
    for (const [peer, p] of this.progress) this.replicate(peer, p, 'stream');
    this.maybeCompact();
  }

  private forward(req: ClientRequest): void {
    const primary = this.following?.node;
    const earlier = this.forwards.get(req.id);
    if (primary === undefined || primary === this.env.self) {
      // A retry of a request still out there waits for that answer, or the sweep's `info`.
      if (earlier !== undefined) return;
      // Never sent anywhere from here: it cannot take effect, unless it already had.
      const seen = this.store.outcome(req.id);
      this.env.reply(req.id, seen ?? fail(req.id, 'not-leader', 'no primary known'));
      return;
    }
    // A retry re-sends the forward (the first may be lost); the primary deduplicates.
    if (earlier === undefined) this.forwards.add(req.id, this.env.now(), { retried: false });
    else earlier.retried = true;
    this.armSweep();
    this.env.emit({ kind: 'forward', request: req.id, to: primary });
    this.send(primary, { type: 'forward', body: req });
  }

  /**
   * The primary's answer to a forward. A refusal (`fail not-leader`) speaks only of the
   * attempt it answers: when this replica sent the request more than once (a client's retry,
   * perhaps to a primary since replaced), an earlier attempt may sit in some log, so the
   * client hears `info`, not `fail`.
   */
  private onForwarded(result: ClientResult): void {
    const wait = this.forwards.take(result.id);
    if (wait === undefined) return;
    this.env.reply(
      result.id,
      wait.retried && result.type === 'fail' && result.error === 'not-leader'
        ? info(
            result.id,
            'indeterminate',
            `${result.detail ?? 'refused'}, after an earlier attempt`,
          )
        : result,
    );
  }

  private onForward(from: NodeId, req: ClientRequest): void {
    if (this.role === 'primary') {
      this.execute(req, { kind: 'peer', node: from });
      return;
    }
    const seen = this.store.outcome(req.id);
    const detail =
      this.following === null ? 'no primary known' : `the primary is ${this.following.node}`;
    this.send(from, {
      type: 'forward.result',
      body: seen ?? fail(req.id, 'not-leader', `${this.env.self} is a backup: ${detail}`),
    });
  }

  private answer(id: RequestId, result: ClientResult, replyTo: readonly ReplyTo[]): void {
    for (const to of replyTo) {
      if (to.kind === 'client') this.env.reply(id, result);
      else this.send(to.node, { type: 'forward.result', body: result });
    }
  }

  private armSweep(): void {
    if (this.sweeping) return;
    this.sweeping = true;
    const every = Math.min(1000, this.config.forwardTimeoutMs, this.config.semiSyncTimeoutMs);
    this.env.setTimer(every, SWEEP);
  }

  private sweep(): void {
    this.sweeping = false;
    const now = this.env.now();
    for (const [id] of this.forwards.overdue(now)) {
      // The primary may have applied it: the outcome is unknown, not a failure.
      this.env.reply(id, info(id, 'timeout', 'no answer from the primary'));
    }
    for (const [id, wait] of this.acks.overdue(now)) {
      // Logged and streaming: it will reach the backups if this primary lasts.
      this.metric('async_semi_sync_timeouts_total', 1);
      this.answer(id, info(id, 'timeout', 'no backup acknowledged in time'), wait.replyTo);
    }
    if (this.forwards.size > 0 || this.acks.size > 0) this.armSweep();
  }

  // ---- the primary's side of replication ------------------------------------------------

  private onHeartbeat(): void {
    if (this.role !== 'primary') return;
    this.heartbeatTimer = this.env.setTimer(this.config.heartbeatIntervalMs, HEARTBEAT);
    for (const [peer, p] of this.progress) this.replicate(peer, p, 'heartbeat');
    if (++this.ticks % LAG_EVERY_TICKS === 0) {
      for (const [peer, p] of this.progress) {
        this.metric('async_replication_lag_entries', this.log.lastIndex() - p.match, 'gauge', {
          backup: peer,
        });
      }
    }
  }

  /**
   * Send a backup what it needs. `stream`: new entries, if it is in pipeline; `probe`: one
   * probe now; `heartbeat`: the periodic pass, which re-sends a probe or an unanswered
   * snapshot and keeps an idle backup's failure detector quiet.
   */
  private replicate(peer: NodeId, p: Progress, why: 'stream' | 'probe' | 'heartbeat'): void {
    if (p.state === 'snapshot') {
      if (why !== 'heartbeat') return;
      // Resend a snapshot that was lost; meanwhile heartbeat, so that the backup does not
      // start a failover while a large state is on its way (it refuses them, unheeded).
      if (this.env.now() - p.snapshotSentAt >= 2 * this.config.failoverTimeoutMs) {
        this.sendSnapshot(peer, p);
      } else {
        this.sendAppend(peer, p.next, p.next);
      }
      return;
    }
    if (p.next <= this.log.snapshotIndex) {
      this.sendSnapshot(peer, p);
      return;
    }
    const last = this.log.lastIndex();
    const batchEnd = (from: number) => Math.min(last + 1, from + this.config.maxBatchEntries);
    if (p.state === 'probe') {
      if (why === 'stream') return;
      p.probePrev = p.next - 1;
      this.sendAppend(peer, p.next, batchEnd(p.next));
      return;
    }
    let sent = false;
    while (p.next <= last && p.next - 1 - p.match < this.config.maxInflightEntries) {
      const to = batchEnd(p.next);
      this.sendAppend(peer, p.next, to);
      p.next = to;
      sent = true;
    }
    if (why === 'heartbeat' && !sent) this.sendAppend(peer, p.next, p.next);
  }

  private sendAppend(peer: NodeId, from: number, to: number): void {
    const prevIndex = from - 1;
    const body: Append = {
      epoch: this.epoch,
      prevIndex,
      prevEpoch: this.log.epochAt(prevIndex) ?? 0,
      entries: from < to ? this.log.entries(from, to) : [],
    };
    this.send(peer, { type: 'append', body });
  }

  private sendSnapshot(peer: NodeId, p: Progress): void {
    const index = this.log.lastIndex();
    const snapshot = {
      index,
      epoch: this.log.lastEpoch(),
      data: [...this.store.data],
      outcomes: this.store.remembered(),
    };
    for (const chunk of chunkSnapshot(snapshot, this.epoch)) {
      this.send(peer, { type: 'snapshot', body: chunk });
    }
    p.state = 'snapshot';
    p.next = index + 1;
    p.snapshotSentAt = this.env.now();
  }

  private onAppendReply(from: NodeId, r: AppendReply): void {
    if (r.fenced) {
      this.noteEpoch(r.epoch);
      return;
    }
    const p = this.progress.get(from);
    if (this.role !== 'primary' || r.epoch !== this.epoch || p === undefined) return;
    if (r.ok) {
      if (p.state === 'snapshot' && r.index < p.next - 1) return;
      p.matched(r.index);
      this.resolveAcks();
      this.replicate(from, p, 'stream');
      return;
    }
    if (!p.isFreshRefusal(r.prev)) return;
    if (r.index === 0 || r.index <= this.log.snapshotIndex) {
      this.sendSnapshot(from, p);
      return;
    }
    p.retryFrom(Math.min(r.index, this.log.lastIndex() + 1));
    this.replicate(from, p, 'probe');
  }

  /** semi-sync: answer the writes that some backup now holds. */
  private resolveAcks(): void {
    if (this.acks.size === 0) return;
    let held = 0;
    for (const p of this.progress.values()) held = Math.max(held, p.match);
    for (const [id, wait] of this.acks.takeWhile((w) => w.index <= held)) {
      this.answer(id, wait.result, wait.replyTo);
    }
  }

  // ---- the backup's side ----------------------------------------------------------------

  /**
   * Whether to take replication from `from` in `epoch`: the fencing and step-down rules. On
   * refusal the sender hears this node's newer epoch, which makes a stale primary step down.
   */
  private admit(from: NodeId, epoch: number, prev: number): boolean {
    if (this.owner(epoch) !== from) {
      this.warn(
        `ignored replication from ${from} in epoch ${epoch}, which is ${this.owner(epoch)}'s`,
      );
      return false;
    }
    // A primary never follows an older epoch, fencing or not: that is how two primaries
    // that meet resolve into one.
    const refuse =
      this.role === 'primary' ? epoch <= this.epoch : this.config.fencing && epoch < this.epoch;
    if (refuse) {
      if (this.role === 'backup') this.metric('async_fenced_total', 1);
      this.reply(from, { epoch: this.epoch, ok: false, prev, index: 0, fenced: true });
      return false;
    }
    if (epoch < this.epoch) this.metric('async_stale_epoch_accepted_total', 1);
    this.noteEpoch(epoch);
    this.setFollowing({ node: from, epoch });
    this.lastHeard = this.env.now();
    this.heardPrimary = true;
    this.failover = undefined;
    return true;
  }

  private onAppend(from: NodeId, a: Append): void {
    if (!this.admit(from, a.epoch, a.prevIndex)) return;
    const snapshotIndex = this.log.snapshotIndex;
    const last = this.log.lastIndex();
    let prev = a.prevIndex;
    let entries = a.entries;
    const refuse = (hint: number) =>
      this.reply(from, {
        epoch: a.epoch,
        ok: false,
        prev: a.prevIndex,
        index: hint,
        fenced: false,
      });
    if (prev > last) return refuse(last + 1);
    if (prev < snapshotIndex) {
      // The append starts inside this node's snapshot: only the entry at the snapshot's index
      // can be compared; below it, trust the log-matching property.
      const atSnapshot = entries[snapshotIndex - prev - 1];
      if (atSnapshot === undefined) return refuse(snapshotIndex + 1);
      if (atSnapshot.epoch !== this.log.epochAt(snapshotIndex)) return refuse(0);
      entries = entries.slice(snapshotIndex - prev);
      prev = snapshotIndex;
    } else if (this.log.epochAt(prev) !== a.prevEpoch) {
      if (prev === snapshotIndex) return refuse(0);
      return refuse(this.firstOfRun(prev));
    }
    this.appendMatching(prev, entries);
    this.reply(from, {
      epoch: a.epoch,
      ok: true,
      prev: a.prevIndex,
      index: prev + entries.length,
      fenced: false,
    });
  }

  /** Skip the entries this log already has, cut it at the first conflict, append the rest. */
  private appendMatching(prev: number, entries: readonly LogEntry[]): void {
    let k = 0;
    let truncated = 0;
    for (; k < entries.length; k++) {
      const index = prev + 1 + k;
      if (index > this.log.lastIndex()) break;
      if (this.log.epochAt(index) === entries[k].epoch) continue;
      // Another primary's entries: gone, with every write acknowledged on their strength.
      truncated = this.log.lastIndex() - index + 1;
      this.log.truncateFrom(index);
      break;
    }
    const fresh = entries.slice(k);
    if (fresh.length > 0) this.log.append(fresh);
    let updates: number;
    if (truncated > 0) {
      this.metric('async_truncated_entries_total', truncated);
      this.store = new RegisterStore(this.config.rememberUpdates);
      this.log.load(this.store);
      updates = fresh.filter((e) => e.id !== undefined).length;
    } else {
      updates = replay(this.store, fresh);
    }
    this.env.storage.sync();
    if (fresh.length > 0)
      this.env.emit({ kind: 'commit', index: this.log.lastIndex(), count: updates });
    this.maybeCompact();
  }

  /** The first index of the run of entries sharing the epoch at `index` (above the snapshot). */
  private firstOfRun(index: number): number {
    const epoch = this.log.epochAt(index);
    let i = index;
    while (i - 1 > this.log.snapshotIndex && this.log.epochAt(i - 1) === epoch) i--;
    return i;
  }

  private onSnapshot(from: NodeId, chunk: SnapshotChunk): void {
    if (!this.admit(from, chunk.epoch, chunk.index)) return;
    const snapshot = this.incoming.add(from, chunk);
    if (snapshot === undefined) return;
    this.log.install(snapshot);
    this.store = new RegisterStore(this.config.rememberUpdates);
    this.log.load(this.store);
    this.env.storage.sync();
    // A snapshot's writes are not counted one by one: `count` is the keys it set.
    this.env.emit({ kind: 'commit', index: snapshot.index, count: snapshot.data.length });
    this.metric('async_snapshots_installed_total', 1);
    this.reply(from, {
      epoch: chunk.epoch,
      ok: true,
      prev: snapshot.index,
      index: snapshot.index,
      fenced: false,
    });
  }

  private reply(to: NodeId, body: AppendReply): void {
    this.send(to, { type: 'append.reply', body });
  }

  private maybeCompact(): void {
    if (this.log.lastIndex() - this.log.snapshotIndex < this.config.snapshotEvery) return;
    this.log.compact(this.store);
    this.env.storage.sync();
  }

  // ---- failure detection and failover ---------------------------------------------------

  private onDetect(): void {
    this.detectTimer = undefined;
    if (this.role !== 'backup') return;
    const timeout = this.config.failoverTimeoutMs * (this.heardPrimary ? 1 : BOOT_GRACE);
    const due = this.lastHeard + timeout - this.env.now();
    if (due > 0) {
      this.armDetect(due);
      return;
    }
    if (this.failover === undefined) this.startFailover();
    this.armDetect(this.config.failoverTimeoutMs);
  }

  private armDetect(afterMs: number): void {
    this.cancel(this.detectTimer);
    this.detectTimer = this.env.setTimer(afterMs, DETECT);
  }

  private startFailover(): void {
    const round = ++this.round;
    this.failover = { round, positions: new Map(), primaryAnswered: false };
    this.env.emit({
      kind: 'log',
      level: 'info',
      message: `no primary heard for ${this.env.now() - this.lastHeard}ms: asking peers (failover round ${round})`,
    });
    for (const m of this.config.members) {
      if (m.id !== this.env.self)
        this.send(m.id, { type: 'failover.query', body: { epoch: this.epoch, round } });
    }
    this.env.setTimer(this.config.failoverWindowMs, DECIDE);
  }

  private onQuery(from: NodeId, q: PositionQuery): void {
    this.noteEpoch(q.epoch);
    this.send(from, {
      type: 'failover.position',
      body: {
        round: q.round,
        epoch: this.epoch,
        lastIndex: this.log.lastIndex(),
        lastEpoch: this.log.lastEpoch(),
        primary: this.role === 'primary',
      },
    });
  }

  private onPosition(from: NodeId, p: Position): void {
    this.noteEpoch(p.epoch);
    const f = this.failover;
    if (f === undefined || p.round !== f.round) return;
    if (p.primary && p.epoch >= this.epoch) f.primaryAnswered = true;
    f.positions.set(from, { node: from, lastEpoch: p.lastEpoch, lastIndex: p.lastIndex });
  }

  /** The failover window closed: promote if this node is the most up-to-date that answered. */
  private decideFailover(): void {
    const f = this.failover;
    this.failover = undefined;
    if (f === undefined || this.role !== 'backup' || f.round !== this.round) return;
    if (f.primaryAnswered) {
      this.lastHeard = this.env.now();
      return;
    }
    if (!this.heardPrimary && f.positions.size === 0 && this.config.members.length > 1) {
      // Booted and heard nobody at all: the links are not up yet (replicas start one by one),
      // not a dead primary. Wait for someone rather than deal itself an epoch.
      this.lastHeard = this.env.now();
      return;
    }
    const self = this.env.self;
    f.positions.set(self, {
      node: self,
      lastEpoch: this.log.lastEpoch(),
      lastIndex: this.log.lastIndex(),
    });
    const winner = successor(f.positions.values(), (n) => !this.config.learners.includes(n));
    if (winner !== self) {
      this.env.emit({
        kind: 'log',
        level: 'info',
        message: `failover round ${f.round}: ${winner ?? 'nobody'} is more up to date; waiting for it`,
      });
      this.lastHeard = this.env.now();
      return;
    }
    const epoch = nextEpochOf(self, this.epoch, this.config.members);
    this.metric('async_failovers_total', 1);
    this.env.emit({
      kind: 'log',
      level: 'warn',
      message: `promoting to primary in epoch ${epoch} (${f.positions.size - 1} peer(s) answered, none more up to date)`,
    });
    this.becomePrimary(epoch);
  }

  // ---- helpers --------------------------------------------------------------------------

  private owner(epoch: number): NodeId {
    return epochOwner(epoch, this.config.members);
  }

  private send(to: NodeId, m: AsyncMessage): void {
    this.env.send(to, encode(m));
  }

  private cancel(timer: TimerId | undefined): void {
    if (timer !== undefined) this.env.cancelTimer(timer);
  }

  private metric(
    name: string,
    value: number,
    type: 'counter' | 'gauge' = 'counter',
    labels?: Readonly<Record<string, string>>,
  ): void {
    this.env.emit(
      labels === undefined
        ? { kind: 'metric', name, type, value }
        : { kind: 'metric', name, type, value, labels },
    );
  }

  private warn(message: string): void {
    this.env.emit({ kind: 'log', level: 'warn', message });
  }
}

function sameTarget(a: ReplyTo, b: ReplyTo): boolean {
  return a.kind === 'client' ? b.kind === 'client' : b.kind === 'peer' && a.node === b.node;
}

export function primaryBackup(env: Env, config: AsyncConfig): Replica {
  return new PrimaryBackup(env, config);
}
