import { vv, type VersionVector } from '../../core/clocks';
import type { Env, Replica } from '../../core/env';
import { isRequestId, type NodeId } from '../../core/ids';
import { isJsonObject, type Json } from '../../core/json';
import {
  fail,
  info,
  ok,
  readClientResult,
  type ClientRequest,
  type ClientResult,
} from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { ShapeError } from '../../core/messages/shape';
import { RegisterStore } from '../shared/register-store';
import type { MultiLeaderConfig } from './config';
import { Forwarded } from './forwarding';
import { decodeMessage, encodeMessage, type MultiLeaderMessage, type Sending } from './messages';
import { ConflictReport } from './conflict-report';
import type { ConflictRecord } from './replication/conflict-feed';
import { ConflictDetector } from './replication/conflicts';
import { DeliveryBuffer, type Delivered } from './replication/delivery';
import { emptySealTotals, Samples, type SampleSummary, type SealTotals } from './replication/stats';
import { updateSize, type Update, type UpdateReader } from './replication/update';
import { UpdateLog, type LoggedEntry } from './replication/update-log';
import { isUpdateOp, makeResolver, valueJson, type Resolver } from './resolvers';
import { stateDigest } from './resolvers/canonical';
import { KeyGauge } from '../shared/key-gauge';

/**
 * Multi-leader replication (DDIA ch. 5, "Multi-Leader Replication"), as a geolab replica: the
 * first replica of each region leads it. A leader accepts its region's writes and answers at
 * once (local latency: no other region is asked), and replicates asynchronously: every batch
 * interval it seals what it accepted into one batch (one CRDT change per document), pushes it
 * to the other leaders, and pushes everything it applied to its own followers. A region cut
 * off from the others keeps serving reads and writes: the AP side of CAP, paid for in
 * conflicts, which the resolver (LWW or a CRDT) settles the same way everywhere.
 *
 * Followers apply their leader's stream in its order (so a region shows one state), relay
 * their clients' writes to the leader, and relay reads too: a follower answering from its own
 * state would show a client its write only after the next batch reached it, breaking
 * read-your-writes for every client talking to a follower (and every causal check). A read
 * asking for level `local` (or `follower`, `stale`) is served from the follower's state.
 *
 * The replication layer (./replication) is separate from the resolvers (./resolvers): it
 * numbers batches per origin, delivers them per-origin FIFO and, when `causal` is on, in
 * causal order across keys and documents; it keeps a durable log for resends, compares
 * version vectors to resend what a peer lacks (every anti-entropy interval, on a gap, and
 * when a peer is heard again after silence), detects conflicts, and measures visibility delay,
 * causal waits and metadata bytes (emitted as `metric` events).
 */

const BATCH = 'ml.batch';
const ANTI_ENTROPY = 'ml.anti-entropy';
const SWEEP = 'ml.sweep';

/** Read levels served from this replica's own state, without asking the region leader. */
const LOCAL_LEVELS: readonly string[] = ['local', 'follower', 'stale'];
const REGION_LEVELS: readonly string[] = ['leader', 'region'];

type Waiter = { readonly local: true } | { readonly local: false; readonly node: NodeId };

export interface MultiLeaderStats {
  readonly role: 'leader' | 'follower';
  readonly region: string;
  readonly applied: VersionVector;
  /** Received updates waiting for a gap to fill or (causal) for their dependencies. */
  readonly buffered: number;
  readonly logEntries: number;
  readonly conflicts: number;
  /** ms from the origin accepting a batch's first op to this replica applying it. */
  readonly visibility: SampleSummary;
  /** ms causal delivery held a batch after it could have been applied in FIFO order. */
  readonly causalWait: SampleSummary;
  /** What this leader's sealed batches carried and cost. */
  readonly sealed: SealTotals;
}

export class MultiLeader implements Replica {
  private readonly leader: NodeId;
  private readonly isLeader: boolean;
  private readonly region: string;
  /** The other regions' leaders (a leader's peers). */
  private readonly peers: readonly NodeId[];
  /** This leader's followers. */
  private readonly followers: readonly NodeId[];
  private readonly reader: UpdateReader;
  private readonly delivery: DeliveryBuffer;
  private readonly log: UpdateLog;
  private readonly detector: ConflictDetector;
  private readonly conflicts: ConflictReport;
  /** Outcomes of recent updates by request id (RegisterStore's dedup memory; its data is unused). */
  private readonly outcomes: RegisterStore;
  private readonly forwarded: Forwarded;
  private resolver: Resolver;
  private readonly keyGauge: KeyGauge;

  /** When the first op staged since the last seal was accepted (this node's clock). */
  private batchStartedAt: number | undefined;
  private stagedBytes = 0;
  /** Updates to push at the next batch tick: own seals to peers, everything to followers. */
  private toPeers: Update[] = [];
  private toFollowers: Update[] = [];
  /** What each peer or follower is known to have applied (from its messages). */
  private readonly known = new Map<NodeId, VersionVector>();
  private readonly lastHeard = new Map<NodeId, number>();
  private readonly lastAsked = new Map<NodeId, number>();
  private lastAck: VersionVector = vv.EMPTY;
  private sweeping = false;
  private readonly visibility = new Samples();
  private readonly causalWait = new Samples();
  private readonly sealed = emptySealTotals();

  constructor(
    private readonly env: Env,
    private readonly config: MultiLeaderConfig,
  ) {
    const leader = config.leaderOf.get(env.self);
    if (leader === undefined) throw new RangeError(`${env.self} is not in the topology`);
    this.leader = leader;
    this.isLeader = leader === env.self;
    this.region = config.regionOf.get(env.self) ?? '';
    this.peers = config.leaders.filter((id) => id !== env.self);
    this.followers = [...config.leaderOf]
      .filter(([node, l]) => l === env.self && node !== env.self)
      .map(([node]) => node);
    const leaders = new Set(config.leaders);
    this.reader = {
      isOrigin: (node) => leaders.has(node),
      readPayload: (v, path) => this.resolver.readPayload(v, path),
    };
    this.delivery = new DeliveryBuffer(config.causal, config.maxPending);
    this.detector = new ConflictDetector(!config.causal);
    this.log = new UpdateLog(env.storage, this.reader);
    this.conflicts = new ConflictReport(
      this.detector,
      env,
      () => this.resolver,
      (n) => config.regionOf.get(n) ?? n,
      config.conflictFeedSize,
    );
    this.outcomes = new RegisterStore(config.rememberUpdates);
    this.forwarded = new Forwarded(config.forwardTimeoutMs);
    this.keyGauge = new KeyGauge(env);
    this.resolver = this.newResolver(undefined);
    this.recover();
  }

  // ---- Replica ------------------------------------------------------------------------------

  onStart(): void {
    this.env.emit({ kind: 'role', role: this.isLeader ? 'leader' : 'follower' });
    this.env.emit({ kind: 'leader', leader: this.leader });
    this.env.setTimer(this.config.batchIntervalMs, BATCH);
    this.env.setTimer(this.config.antiEntropyIntervalMs, ANTI_ENTROPY);
    // Catch up at once after a restart: ask whoever feeds this replica for what it missed.
    for (const peer of this.isLeader ? this.peers : [this.leader]) this.sendVector(peer);
  }

  onClient(req: ClientRequest): void {
    this.handleRequest(req, { local: true });
  }

  onMessage(from: NodeId, msg: PeerMessage): void {
    let m: MultiLeaderMessage;
    try {
      m = decodeMessage(msg, this.reader);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      this.warn(`dropped a malformed message from ${from}: ${e.message}`);
      return;
    }
    switch (m.type) {
      case 'updates':
        return this.handleUpdates(from, m.updates, m.applied, m.sending);
      case 'vector':
        return this.handleVector(from, m.applied, m.want);
      case 'forward':
        if (this.isLeader) this.handleRequest(m.request, { local: false, node: from });
        else this.answer({ local: false, node: from }, notLeader(m.request, this.leader));
        return;
      case 'forward.result':
        if (this.forwarded.settle(m.result.id)) this.env.reply(m.result.id, m.result);
        return;
    }
  }

  onTimer(tag: string): void {
    switch (tag) {
      case BATCH:
        this.env.setTimer(this.config.batchIntervalMs, BATCH);
        this.deliver();
        if (this.isLeader) this.seal();
        this.push();
        if (!this.isLeader) this.acknowledge();
        this.maybeCompact();
        this.keyGauge.update(() => this.resolver.keyCount());
        return;
      case ANTI_ENTROPY:
        this.env.setTimer(this.config.antiEntropyIntervalMs, ANTI_ENTROPY);
        for (const peer of this.isLeader ? this.peers : [this.leader]) this.sendVector(peer);
        return;
      case SWEEP:
        return this.sweep();
    }
  }

  // ---- what tests, benchmarks and reports read ----------------------------------------------

  stats(): MultiLeaderStats {
    return {
      role: this.isLeader ? 'leader' : 'follower',
      region: this.region,
      applied: this.delivery.vector(),
      buffered: this.delivery.size,
      logEntries: this.log.length,
      conflicts: this.conflicts.feed.total,
      visibility: this.visibility.summary(),
      causalWait: this.causalWait.summary(),
      sealed: { ...this.sealed },
    };
  }

  /** The most recent conflicts this leader met, oldest first. */
  conflictFeed(): readonly ConflictRecord[] {
    return this.conflicts.feed.list();
  }

  /** A digest of the whole state (keys sorted): equal on replicas that converged. */
  stateHash(): string {
    return stateDigest(this.resolver.canonicalState());
  }

  /** The value a local read of `key` would return now. */
  peek(key: string): Json {
    return valueJson(this.resolver.read(key));
  }

  // ---- clients ------------------------------------------------------------------------------

  private handleRequest(req: ClientRequest, waiter: Waiter): void {
    const level = req.level;
    if (level !== undefined && !LOCAL_LEVELS.includes(level) && !REGION_LEVELS.includes(level)) {
      const levels = [...REGION_LEVELS, ...LOCAL_LEVELS].join(', ');
      this.answer(waiter, fail(req.id, 'unsupported', `multi-leader serves levels ${levels}`));
      return;
    }
    const op = req.op;
    if (
      op.f === 'read' &&
      (this.isLeader || (level !== undefined && LOCAL_LEVELS.includes(level)))
    ) {
      this.answer(waiter, ok(req.id, valueJson(this.resolver.read(op.key))));
      return;
    }
    if (!this.isLeader) {
      if (waiter.local) this.forward(req);
      else this.answer(waiter, notLeader(req, this.leader));
      return;
    }
    if (!isUpdateOp(op)) {
      const detail =
        'cas needs one order of writes, which concurrent leaders do not have (use raft)';
      this.answer(waiter, fail(req.id, 'unsupported', detail));
      return;
    }
    const seen = this.outcomes.outcome(req.id);
    if (seen !== undefined) return this.answer(waiter, seen);
    const bytes = JSON.stringify(op.value).length;
    if (bytes > this.config.maxBatchBytes) {
      const detail = `the value is ${bytes} bytes; at most ${this.config.maxBatchBytes} fit a replication batch`;
      this.answer(waiter, fail(req.id, 'invalid-request', detail));
      return;
    }
    const outcome = this.resolver.update(op);
    if (!outcome.ok) return this.answer(waiter, fail(req.id, outcome.error, outcome.detail));
    this.batchStartedAt ??= this.env.now();
    this.stagedBytes += bytes;
    // Journaled and synced before the answer: an acknowledged write survives a crash of its
    // leader (it is staged again on restart and replicated then).
    this.log.journal(req.id, op, outcome.value);
    this.log.sync();
    const result = ok(req.id, outcome.value);
    this.outcomes.remember(req.id, result);
    this.answer(waiter, result);
    if (
      this.resolver.staged >= this.config.maxBatchOps ||
      this.stagedBytes >= this.config.maxBatchBytes
    ) {
      this.seal();
    }
  }

  private forward(req: ClientRequest): void {
    this.forwarded.add(req.id, this.env.now());
    if (!this.sweeping) {
      this.sweeping = true;
      this.env.setTimer(Math.min(1000, this.config.forwardTimeoutMs), SWEEP);
    }
    this.env.emit({ kind: 'forward', request: req.id, to: this.leader });
    this.send(this.leader, { type: 'forward', request: req });
  }

  private sweep(): void {
    for (const id of this.forwarded.overdue(this.env.now())) {
      // The leader may have applied it (and answered into a partition): unknown, not failed.
      this.env.reply(id, info(id, 'timeout', `no answer from the region leader ${this.leader}`));
    }
    this.sweeping = this.forwarded.size > 0;
    if (this.sweeping) this.env.setTimer(Math.min(1000, this.config.forwardTimeoutMs), SWEEP);
  }

  private answer(waiter: Waiter, result: ClientResult): void {
    if (waiter.local) this.env.reply(result.id, result);
    else this.send(waiter.node, { type: 'forward.result', result });
  }

  // ---- sealing and pushing ------------------------------------------------------------------

  /** Packs the staged ops into this leader's next batch: numbered, logged, queued to push. */
  private seal(): void {
    const sealed = this.resolver.seal();
    if (sealed === undefined) return;
    const self = this.env.self;
    const seq = this.delivery.appliedSeq(self) + 1;
    const deps = this.config.causal ? withoutSelf(this.delivery.vector(), self) : undefined;
    const contexts =
      deps === undefined ? sealed.keys.map((k) => this.detector.contextOf(k, self)) : undefined;
    const update: Update = {
      origin: self,
      seq,
      at: this.batchStartedAt ?? this.env.now(),
      ops: sealed.ops,
      keys: sealed.keys,
      ...(deps === undefined ? {} : { deps }),
      ...(contexts === undefined ? {} : { contexts }),
      payload: sealed.payload,
    };
    this.batchStartedAt = undefined;
    this.stagedBytes = 0;
    this.delivery.markApplied(self, seq);
    sealed.keys.forEach((key, i) =>
      this.detector.observe(key, self, seq, deps ?? contexts?.[i] ?? vv.EMPTY),
    );
    this.log.record([update]);
    this.log.sync();
    this.toPeers.push(update);
    this.toFollowers.push(update);
    const size = updateSize(update);
    const s = this.sealed;
    s.updates++;
    s.ops += sealed.ops;
    s.changes += sealed.changes;
    s.bytes += size.bytes;
    s.metadataBytes += size.metadataBytes;
    s.binaryBytes += sealed.binaryBytes;
    this.metric('multileader_ops_sealed_total', 'counter', sealed.ops);
    this.metric('multileader_batch_bytes_total', 'counter', size.bytes);
    this.metric('multileader_metadata_bytes_total', 'counter', size.metadataBytes);
  }

  private push(): void {
    if (this.toPeers.length > 0) {
      for (const peer of this.peers) this.sendUpdates(peer, this.toPeers, 'push');
      this.toPeers = [];
    }
    if (this.toFollowers.length > 0) {
      for (const follower of this.followers) this.sendUpdates(follower, this.toFollowers, 'push');
      this.toFollowers = [];
    }
  }

  /** Sends updates in messages that fit a frame; a resend's last message says it is the last. */
  private sendUpdates(to: NodeId, updates: readonly Update[], sending: Sending): void {
    const applied = this.delivery.vector();
    let chunk: Update[] = [];
    let bytes = 0;
    const flush = (last: boolean): void => {
      const kind: Sending = sending === 'push' ? 'push' : last ? 'resend-end' : 'resend';
      this.send(to, { type: 'updates', sending: kind, applied, updates: chunk });
      chunk = [];
      bytes = 0;
    };
    for (const u of updates) {
      const size = updateSize(u).bytes;
      if (chunk.length > 0 && bytes + size > this.config.maxMessageBytes) flush(false);
      chunk.push(u);
      bytes += size;
    }
    if (chunk.length > 0 || sending !== 'push') flush(true);
  }

  // ---- receiving ----------------------------------------------------------------------------

  private handleUpdates(
    from: NodeId,
    updates: readonly Update[],
    applied: VersionVector,
    sending: Sending,
  ): void {
    if (!this.feeds(from)) {
      this.warn(`ignored updates from ${from}, which does not feed ${this.env.self}`);
      return;
    }
    this.heard(from, applied);
    const now = this.env.now();
    let full = 0;
    for (const u of updates) if (this.delivery.offer(u, now) === 'full') full++;
    if (full > 0)
      this.warn(`buffer full: dropped ${full} updates from ${from} (anti-entropy resends them)`);
    // Behind the sender with nothing on the way to fill it: a push was lost (a partition that
    // drops), or a resend was cut at its budget. Ask for the rest; a resend's last message may
    // ask at once, anything else at most once per batch interval.
    if (this.lacksFrom(applied) && (sending === 'resend-end' || this.mayAsk(from)))
      this.sendVector(from);
  }

  private handleVector(from: NodeId, applied: VersionVector, want: boolean): void {
    const follower = this.followers.includes(from);
    if (!this.isLeader || (!follower && !this.peers.includes(from))) {
      this.warn(`ignored a version vector from ${from}, which ${this.env.self} does not feed`);
      return;
    }
    this.heard(from, applied);
    if (!want) return;
    const missing = this.log.missing((o) => vv.get(applied, o), this.config.resendBudgetBytes);
    if (missing.unavailable.length > 0) {
      this.env.emit({
        kind: 'log',
        level: 'error',
        message: `${from} lacks updates of ${missing.unavailable.join(', ')} this log compacted away`,
      });
    }
    if (missing.updates.length > 0)
      this.sendUpdates(from, missing.updates, missing.complete ? 'resend-end' : 'resend');
    // It has what this leader lacks: ask in turn (a peer's vector says what it could resend).
    if (!follower && this.lacksFrom(applied) && this.mayAsk(from)) this.sendVector(from);
  }

  /**
   * Applies every update now deliverable, as one batch through the resolver: once per batch
   * interval, whatever arrived from all peers together. An Automerge `applyChanges` call
   * costs about a millisecond before its first op, so one call per document per interval,
   * rather than one per message, is most of what lets Automerge keep up; visibility pays up
   * to one batch interval per hop for it.
   */
  private deliver(): void {
    const delivered = this.delivery.drain(this.env.now(), () => {
      if (this.isLeader) this.seal();
    });
    if (delivered.length === 0) return;
    // Leaders detect; followers apply the same stream and would only repeat them.
    const met = this.isLeader ? this.conflicts.detect(delivered.map((d) => d.update)) : [];
    const before = this.conflicts.before(met);
    this.applyBatch(delivered.map((d) => d.update));
    this.log.sync();
    if (this.isLeader) this.toFollowers.push(...delivered.map((d) => d.update));
    this.measure(delivered);
    this.conflicts.announce(met, before);
  }

  private applyBatch(updates: readonly Update[]): void {
    const problems = this.resolver.apply(
      updates.map((u) => ({ origin: u.origin, payload: u.payload })),
    );
    for (const p of problems) this.warn(`a payload was refused: ${p}`);
    this.log.record(updates);
  }

  // ---- anti-entropy and acknowledgements ----------------------------------------------------

  private sendVector(to: NodeId, want = true): void {
    this.lastAsked.set(to, this.env.now());
    this.send(to, { type: 'vector', applied: this.delivery.vector(), want });
  }

  /** A follower tells its leader what it applied, when that changed (for compaction). */
  private acknowledge(): void {
    const applied = this.delivery.vector();
    if (vv.compare(applied, this.lastAck) === 'equal') return;
    this.lastAck = applied;
    this.sendVector(this.leader, false);
  }

  /** Notes what `from` has; a peer heard again after silence is asked what it missed. */
  private heard(from: NodeId, applied: VersionVector): void {
    this.known.set(from, vv.merge(this.known.get(from) ?? vv.EMPTY, applied));
    const now = this.env.now();
    const last = this.lastHeard.get(from);
    this.lastHeard.set(from, now);
    if (
      this.isLeader &&
      this.peers.includes(from) &&
      last !== undefined &&
      now - last > this.config.antiEntropyIntervalMs
    ) {
      this.sendVector(from);
    }
  }

  /** Whether `theirs` holds an update this replica neither has nor has waiting. */
  private lacksFrom(theirs: VersionVector): boolean {
    for (const origin of Object.keys(theirs) as NodeId[]) {
      const mine = this.delivery.appliedSeq(origin);
      if (theirs[origin] > mine && !this.delivery.hasNext(origin)) return true;
    }
    return false;
  }

  private mayAsk(peer: NodeId): boolean {
    const last = this.lastAsked.get(peer);
    return last === undefined || this.env.now() - last >= this.config.batchIntervalMs;
  }

  /** Who may send this replica updates: other leaders to a leader, the leader to a follower. */
  private feeds(from: NodeId): boolean {
    return this.isLeader ? this.peers.includes(from) : from === this.leader;
  }

  // ---- compaction and recovery --------------------------------------------------------------

  private maybeCompact(): void {
    if (
      this.log.sinceCompaction < this.config.compactEvery &&
      this.log.bytesSinceCompaction < this.config.compactBytes
    )
      return;
    // A leader keeps what some peer or follower may still ask for; a follower serves no one.
    const floor = this.isLeader ? this.ackedByAll() : undefined;
    const covered = (origin: NodeId, seq: number): boolean =>
      floor === undefined || seq <= vv.get(floor, origin);
    if (this.isLeader) this.seal();
    this.log.compact(
      {
        applied: this.delivery.vector(),
        state: {
          resolver: this.resolver.save(),
          conflicts: this.detector.save(),
          outcomes: this.outcomes.remembered() as unknown as Json,
        },
      },
      covered,
    );
    this.metric('multileader_log_entries', 'gauge', this.log.length);
  }

  /** The pointwise minimum of what every other leader and every follower has applied. */
  private ackedByAll(): VersionVector {
    let floor: Record<string, number> | undefined;
    for (const node of [...this.peers, ...this.followers]) {
      const has = this.known.get(node) ?? vv.EMPTY;
      if (floor === undefined) {
        floor = { ...has };
        continue;
      }
      for (const origin of Object.keys(floor))
        floor[origin] = Math.min(floor[origin], vv.get(has, origin as NodeId));
    }
    return (floor ?? this.delivery.vector()) as VersionVector;
  }

  /** Rebuilds state from the snapshot and the log (a fresh start reads an empty log). */
  private recover(): void {
    const { snapshot, entries } = this.log.load();
    const state =
      snapshot !== undefined && isJsonObject(snapshot.state) ? snapshot.state : undefined;
    if (state !== undefined) {
      this.resolver = this.newResolver(state.resolver);
      this.detector.restore(state.conflicts ?? { live: [], seen: [] });
      const outcomes = state.outcomes;
      for (const pair of Array.isArray(outcomes) ? (outcomes as readonly Json[]) : []) {
        if (Array.isArray(pair) && isRequestId(pair[0])) {
          this.outcomes.remember(pair[0], readClientResult(pair[1], 'snapshot.outcomes'));
        }
      }
      this.delivery.restore(snapshot?.applied ?? vv.EMPTY);
    }
    let unsealed: Extract<LoggedEntry, { kind: 'op' }>[] = [];
    const replayed: Update[] = [];
    for (const e of entries) {
      if (e.kind === 'op') {
        unsealed.push(e);
        this.outcomes.remember(e.id, ok(e.id, e.value));
        continue;
      }
      const u = e.update;
      if (u.seq !== this.delivery.appliedSeq(u.origin) + 1) continue; // covered, or a copy
      this.delivery.markApplied(u.origin, u.seq);
      if (this.isLeader) this.conflicts.detect([u]);
      replayed.push(u);
      if (u.origin === this.env.self) unsealed = [];
    }
    const problems = this.resolver.apply(
      replayed.map((u) => ({ origin: u.origin, payload: u.payload })),
    );
    for (const p of problems) this.warn(`replay: ${p}`);
    // Ops acknowledged after the last seal: staged again, sealed at the next batch.
    for (const e of unsealed) {
      if (isUpdateOp(e.op)) this.resolver.update(e.op);
    }
    if (this.resolver.staged > 0) this.batchStartedAt = this.env.now();
  }

  private newResolver(saved: Json | undefined): Resolver {
    return makeResolver(this.config.resolver, {
      shards: this.config.shards,
      random: () => this.env.random(),
      now: () => this.env.now(),
      self: this.env.self,
      ...(saved === undefined ? {} : { saved }),
    });
  }

  // ---- measurement and plumbing -------------------------------------------------------------

  private measure(delivered: readonly Delivered[]): void {
    const now = this.env.now();
    for (const d of delivered) {
      const delay = Math.max(0, now - d.update.at);
      this.visibility.add(delay);
      const labels = { origin: this.config.regionOf.get(d.update.origin) ?? d.update.origin };
      this.env.emit({
        kind: 'metric',
        name: 'multileader_visibility_ms',
        type: 'gauge',
        value: delay,
        labels,
      });
      if (d.causalWaitMs > 0) {
        this.causalWait.add(d.causalWaitMs);
        this.env.emit({
          kind: 'metric',
          name: 'multileader_causal_wait_ms',
          type: 'gauge',
          value: d.causalWaitMs,
          labels,
        });
      }
    }
  }

  private metric(name: string, type: 'counter' | 'gauge', value: number): void {
    this.env.emit({ kind: 'metric', name, type, value });
  }

  private warn(message: string): void {
    this.env.emit({ kind: 'log', level: 'warn', message });
  }

  private send(to: NodeId, m: MultiLeaderMessage): void {
    this.env.send(to, encodeMessage(m));
  }
}

function withoutSelf(v: VersionVector, self: NodeId): VersionVector {
  if (!Object.hasOwn(v, self)) return v;
  const out: Record<string, number> = { ...v };
  delete out[self];
  return out as VersionVector;
}

function notLeader(req: ClientRequest, leader: NodeId): ClientResult {
  return fail(
    req.id,
    'not-leader',
    `forwarded to a replica that does not lead its region (${leader} does)`,
  );
}

export function multiLeader(env: Env, config: MultiLeaderConfig): Replica {
  return new MultiLeader(env, config);
}
