import type { Env, Replica } from '../../../core/env';
import type { Role } from '../../../core/events';
import type { NodeId, RequestId } from '../../../core/ids';
import { isJsonObject } from '../../../core/json';
import {
  fail,
  info,
  isUpdate,
  type ClientRequest,
  type ClientResult,
} from '../../../core/messages/client';
import type { PeerMessage } from '../../../core/messages/envelope';
import { ShapeError } from '../../../core/messages/shape';
import { committedIndex, majority, voteResult } from '../../../core/quorum';
import { KeyGauge } from '../../shared/key-gauge';
import { RegisterStore } from '../../shared/register-store';
import { SnapshotAssembly, splitSnapshotState } from './snapshot-parts';
import type { RaftConfig } from './config';
import { RaftLog, type Snapshot } from './log';
import {
  decodeRaftMessage,
  encodeRaftMessage,
  type Entry,
  type RaftMessage,
  type SnapshotState,
} from './messages';
import { Progress } from './progress';

/**
 * Raft (Ongaro & Ousterhout 2014; Ongaro's thesis 2014) as a geolab replica, in the shape of
 * etcd-io/raft: a state machine driven by ticks, messages and proposals, acting only through
 * `Env`. It has terms and randomized election timeouts, pre-vote and check-quorum, log
 * replication with etcd's probe/replicate flow control and conflict back-off by term,
 * commitment by majority of the current term, durable term, vote and log (synced before any
 * message that depends on them), snapshots that bound the log, request forwarding to the
 * leader with deduplication by request id, leadership transfer to a preferred region,
 * learners, and three read paths: ReadIndex, leader leases, and stale local reads.
 *
 * Time: election and heartbeat timeouts count ticks of a periodic timer, as etcd's `Tick()`
 * does, so a clock stepped by a skew fault does not fire or starve elections; only the
 * lease, a promise about real time, reads `env.now()`, and that is where skew and drift can
 * hurt it (the lease test shows how).
 */

const TICK = 'raft.tick';
const HARD_STATE_KEY = 'raft-hard';
/** The followers' lag gauges every this many heartbeats: enough for a chart, few events. */
const LAG_EVERY_HEARTBEATS = 10;

/** Who is waiting for a proposal's or a read's answer: a client of this replica, or a forwarder. */
type Waiter = { readonly local: true } | { readonly local: false; readonly node: NodeId };

interface PendingRead {
  readonly request: ClientRequest;
  readonly waiter: Waiter;
  /** The commit index when the read arrived: it is served once that is applied... */
  readonly index: number;
  /** ...and once a majority acknowledged a heartbeat round started after it arrived. */
  readonly round: number;
}

interface Forwarded {
  readonly request: ClientRequest;
  /** The leader it was last sent to. */
  to: NodeId;
  readonly sentAt: number;
  attempts: number;
}

/** Failures that mean "not proposed by this leader", which says nothing of earlier attempts. */
const REFUSALS: readonly string[] = ['not-leader', 'aborted', 'unavailable'];

type ReadPath = 'local' | 'leader' | 'lease' | 'read-index';

/** What a read level means here; undefined: not a level this mode offers. */
function readPathOf(level: string, defaultReads: RaftConfig['reads']): ReadPath | undefined {
  switch (level) {
    case 'follower':
    case 'stale':
      return 'local';
    case 'leader':
      return 'leader';
    case 'lease':
      return 'lease';
    case 'read-index':
      return 'read-index';
    case 'linearizable':
      return defaultReads === 'lease' ? 'lease' : 'read-index';
    default:
      return undefined;
  }
}

export class Raft implements Replica {
  // Persistent state (Raft figure 2), written through to storage.
  private term = 0;
  private vote: NodeId | null = null;
  private readonly log: RaftLog;

  /** 'replica' until onStart makes it a follower or learner (and says so). */
  private role: Role = 'replica';
  private leader: NodeId | null = null;
  private commit = 0;
  private applied = 0;
  private readonly store: RegisterStore;
  private readonly keyGauge: KeyGauge;

  private readonly tickMs: number;
  private readonly heartbeatTicks: number;
  private readonly electionTicks: number;
  private ticks = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  /** Heartbeats sent as leader, to emit the followers' lag every LAG_EVERY_HEARTBEATS. */
  private heartbeats = 0;
  private randomizedElectionTicks = 0;
  /**
   * Just started: until an election timeout passes or a leader is heard, refuse to vote, as a
   * follower in a leader's lease would. A replica that restarts must not help elect a new
   * leader while the old one may still be serving lease reads it acknowledged before crashing.
   */
  private bootSticky = true;
  private readonly votes = new Map<NodeId, boolean>();

  // Leader state.
  private readonly progress = new Map<NodeId, Progress>();
  private leaderSince = 0;
  private round = 0;
  private readonly roundSentAt = new Map<number, number>();
  private quorumRound = 0;
  /** Local clock reading when the latest majority-acknowledged round was sent. */
  private leaseFrom: number | undefined;
  /**
   * Set once this leader sent TimeoutNow in its term: voters may then grant the transferee a
   * forced vote at any moment (its request may be held up in the network), so no lease of
   * this term can be trusted any more; ReadIndex still can.
   */
  private leaseRevoked = false;
  private transferee: NodeId | null = null;
  private transferElapsed = 0;
  private readonly waiters = new Map<RequestId, Waiter[]>();
  /** A snapshot arriving in parts. */
  private readonly snapshotParts = new SnapshotAssembly();
  private pendingReads: PendingRead[] = [];
  /** Reads that arrived before this leader committed an entry of its term (thesis §6.4). */
  private readsBeforeFirstCommit: { request: ClientRequest; waiter: Waiter; path: ReadPath }[] = [];

  // Follower state: requests relayed to the leader, by id, in the order sent.
  private readonly forwarded = new Map<RequestId, Forwarded>();
  private readonly forwardTimeoutTicks: number;
  /**
   * Requests that arrived while no leader was known, with when (ticks): forwarded as soon as
   * one is, refused after an election timeout. Answering at once would only send the client
   * straight back, spinning, while the election that ends the wait takes a second.
   */
  private awaitingLeader: { request: ClientRequest; since: number }[] = [];

  private readonly peers: readonly NodeId[];
  private readonly isVoter: boolean;

  constructor(
    private readonly env: Env,
    private readonly config: RaftConfig,
  ) {
    this.log = new RaftLog(env.storage);
    this.store = new RegisterStore(config.rememberUpdates);
    this.keyGauge = new KeyGauge(env);
    this.tickMs = Math.max(1, Math.floor(config.heartbeatIntervalMs / 2));
    this.heartbeatTicks = Math.max(1, Math.round(config.heartbeatIntervalMs / this.tickMs));
    this.electionTicks = Math.max(
      this.heartbeatTicks + 1,
      Math.round(config.electionTimeoutMs / this.tickMs),
    );
    this.forwardTimeoutTicks = Math.ceil(config.forwardTimeoutMs / this.tickMs);
    this.peers = [...config.voters, ...config.learners].filter((id) => id !== env.self);
    this.isVoter = config.voters.includes(env.self);
  }

  // ---- Replica ----------------------------------------------------------------------------

  onStart(): void {
    const hard = this.env.storage.get(HARD_STATE_KEY);
    if (isJsonObject(hard)) {
      this.term = hard.term as number;
      this.vote = (hard.vote as NodeId | null) ?? null;
    }
    const snapshot = this.log.snapshot;
    if (snapshot) this.restoreStateMachine(snapshot);
    this.becomeFollower(this.term, null, 'started');
    this.env.setTimer(this.tickMs, TICK);
  }

  onTimer(tag: string): void {
    if (tag !== TICK) return;
    this.env.setTimer(this.tickMs, TICK);
    this.ticks++;
    if (this.role === 'leader') this.tickLeader();
    else this.tickFollower();
    this.sweepForwarded();
    this.keyGauge.update(() => this.store.data.size);
  }

  onClient(req: ClientRequest): void {
    this.handleRequest(req, { local: true });
  }

  onMessage(from: NodeId, msg: PeerMessage): void {
    let m: RaftMessage;
    try {
      m = decodeRaftMessage(msg);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      this.env.emit({
        kind: 'log',
        level: 'warn',
        message: `dropped a malformed message from ${from}: ${e.message}`,
      });
      return;
    }
    if (m.type === 'forward') return this.handleRequest(m.request, { local: false, node: from });
    if (m.type === 'forward.result') return this.handleForwardResult(m.result);
    if (!this.checkTerm(from, m)) return;
    switch (m.type) {
      case 'vote':
        return this.handleVote(from, m);
      case 'vote.resp':
        return this.handleVoteResponse(from, m);
      case 'append':
      case 'heartbeat':
      case 'snapshot':
      case 'timeout-now':
        return this.handleFromLeader(from, m);
      case 'append.resp':
      case 'heartbeat.resp':
        return this.handleResponse(from, m);
    }
  }

  /** What the data-driven tests and the dashboard show of this replica. */
  status(): {
    role: Role;
    term: number;
    vote: NodeId | null;
    leader: NodeId | null;
    commit: number;
    applied: number;
    lastIndex: number;
    snapshotIndex: number;
  } {
    return {
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commit: this.commit,
      applied: this.applied,
      lastIndex: this.log.lastIndex(),
      snapshotIndex: this.log.snapshotIndex,
    };
  }

  /** Start an election now, as etcd's `Campaign()` (tests and scenarios). */
  campaign(): void {
    if (this.role !== 'leader' && this.isVoter) this.startElection(this.config.preVote, false);
  }

  /** Hand leadership to `to` (etcd's `TransferLeadership`); only the leader acts on it. */
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader' || to === this.env.self || !this.config.voters.includes(to)) return;
    this.transferee = to;
    this.transferElapsed = 0;
    this.env.emit({ kind: 'log', level: 'info', message: `transferring leadership to ${to}` });
    const pr = this.progress.get(to);
    if (pr && pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to);
  }

  // ---- terms and elections ------------------------------------------------------------------

  /**
   * Raft's rule for every message carrying a term (etcd's Step preamble): a higher term makes
   * this replica a follower of it; a lower one is stale. False when the message is done with.
   */
  private checkTerm(
    from: NodeId,
    m: Exclude<RaftMessage, { type: 'forward' | 'forward.result' }>,
  ): boolean {
    if (m.term > this.term) {
      if (m.type === 'vote') {
        // A follower that heard from a leader within the election timeout ignores votes (and
        // pre-votes): it is what makes check-quorum leases safe, and stops a replica that was
        // cut off from unseating a healthy leader when it returns. Transfers are exempt.
        const inLease =
          this.config.checkQuorum &&
          (this.leader !== null || this.bootSticky) &&
          this.electionElapsed < this.electionTicks;
        if (inLease && !m.force) return false;
        if (m.pre) return true;
      }
      // A granted pre-vote carries the term the candidate will campaign in, not a newer one.
      if (m.type === 'vote.resp' && m.pre && m.granted) return true;
      const leader =
        m.type === 'append' ||
        m.type === 'heartbeat' ||
        m.type === 'snapshot' ||
        m.type === 'timeout-now'
          ? from
          : null;
      this.becomeFollower(m.term, leader, `term ${m.term} from ${from}`);
      return true;
    }
    if (m.term < this.term) {
      // Tell a deposed leader (one that missed the election while cut off) about the new
      // term, or it would keep its clients waiting; and refuse stale pre-votes outright.
      if (m.type === 'append' || m.type === 'snapshot') {
        this.send(from, {
          type: 'append.resp',
          term: this.term,
          index: 0,
          reject: true,
          hintIndex: 0,
          hintTerm: 0,
          round: 0,
        });
      } else if (m.type === 'heartbeat') {
        this.send(from, { type: 'heartbeat.resp', term: this.term, round: 0 });
      } else if (m.type === 'vote' && m.pre) {
        this.send(from, { type: 'vote.resp', term: this.term, granted: false, pre: true });
      }
      return false;
    }
    return true;
  }

  private tickFollower(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTicks) this.bootSticky = false;
    if (this.isVoter && this.electionElapsed >= this.randomizedElectionTicks) {
      this.startElection(this.config.preVote, false);
    }
  }

  private startElection(pre: boolean, force: boolean): void {
    this.resetElectionTimer();
    this.votes.clear();
    this.leader = null;
    if (pre) {
      this.setRole('pre-candidate');
    } else {
      this.term++;
      this.vote = this.env.self;
      this.saveHardState();
      this.setRole('candidate');
      this.env.emit({ kind: 'metric', name: 'raft_elections_total', type: 'counter', value: 1 });
    }
    this.votes.set(this.env.self, true);
    if (this.tallyVotes(pre)) return;
    const request: RaftMessage = {
      type: 'vote',
      term: pre ? this.term + 1 : this.term,
      lastIndex: this.log.lastIndex(),
      lastTerm: this.log.lastTerm(),
      pre,
      force,
    };
    for (const v of this.config.voters) if (v !== this.env.self) this.send(v, request);
  }

  private handleVote(from: NodeId, m: Extract<RaftMessage, { type: 'vote' }>): void {
    const canVote =
      this.vote === from ||
      (this.vote === null && this.leader === null) ||
      (m.pre && m.term > this.term);
    const upToDate =
      this.config.unsafe?.skipLogCheck === true || this.log.isUpToDate(m.lastIndex, m.lastTerm);
    if (this.isVoter && canVote && upToDate) {
      if (!m.pre) {
        this.electionElapsed = 0;
        this.vote = from;
        this.saveHardState();
      }
      this.send(from, { type: 'vote.resp', term: m.term, granted: true, pre: m.pre });
    } else {
      this.send(from, { type: 'vote.resp', term: this.term, granted: false, pre: m.pre });
    }
  }

  private handleVoteResponse(from: NodeId, m: Extract<RaftMessage, { type: 'vote.resp' }>): void {
    const waiting =
      (this.role === 'pre-candidate' && m.pre) || (this.role === 'candidate' && !m.pre);
    if (!waiting || !this.config.voters.includes(from)) return;
    this.votes.set(from, m.granted);
    this.tallyVotes(m.pre);
  }

  /** Acts on the votes so far; true when the election is decided. */
  private tallyVotes(pre: boolean): boolean {
    const result = voteResult(this.config.voters, (v) => this.votes.get(v));
    if (result === 'won') {
      if (pre) this.startElection(false, false);
      else this.becomeLeader();
      return true;
    }
    if (result === 'lost') {
      this.becomeFollower(this.term, null, pre ? 'pre-vote lost' : 'election lost');
      return true;
    }
    return false;
  }

  private becomeFollower(term: number, leader: NodeId | null, why: string): void {
    const wasLeader = this.role === 'leader';
    if (term > this.term) {
      this.term = term;
      this.vote = null;
      this.saveHardState();
    }
    if (wasLeader) this.abandonLeadership(why);
    this.resetElectionTimer();
    this.setRole(this.isVoter ? 'follower' : 'learner');
    this.setLeader(leader);
  }

  private becomeLeader(): void {
    this.setRole('leader');
    this.leaderSince = this.ticks;
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.round = 0;
    this.quorumRound = 0;
    this.roundSentAt.clear();
    this.leaseFrom = undefined;
    this.leaseRevoked = false;
    this.transferee = null;
    this.progress.clear();
    const next = this.log.lastIndex() + 1;
    for (const p of this.peers) this.progress.set(p, new Progress(next, this.ticks));
    // A no-op of its own term lets the leader commit (and learn) everything before it (§5.4.2).
    this.appendToLog([{ term: this.term }]);
    // Requests that waited for a leader are proposed now, after the no-op.
    this.setLeader(this.env.self);
    this.broadcastAppend();
    this.maybeCommit();
  }

  /** Answers everything a deposed leader was holding: the outcome of proposals is unknown. */
  private abandonLeadership(why: string): void {
    this.env.emit({ kind: 'log', level: 'info', message: `stepped down as leader: ${why}` });
    for (const [id, waiters] of this.waiters) {
      for (const w of waiters) {
        this.answer(w, info(id, 'indeterminate', `leader ${this.env.self} stepped down (${why})`));
      }
    }
    this.waiters.clear();
    const reads = [
      ...this.pendingReads.map((r) => ({ request: r.request, waiter: r.waiter })),
      ...this.readsBeforeFirstCommit,
    ];
    for (const r of reads) {
      this.answer(r.waiter, fail(r.request.id, 'aborted', `leader ${this.env.self} stepped down`));
    }
    this.pendingReads = [];
    this.readsBeforeFirstCommit = [];
    this.progress.clear();
    this.transferee = null;
    this.leaseFrom = undefined;
  }

  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    this.randomizedElectionTicks =
      this.electionTicks + Math.floor(this.env.random() * this.electionTicks);
  }

  // ---- the leader ---------------------------------------------------------------------------

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.transferee !== null && ++this.transferElapsed >= this.electionTicks) {
      this.env.emit({
        kind: 'log',
        level: 'info',
        message: `leadership transfer to ${this.transferee} timed out`,
      });
      this.transferee = null;
    }
    if (this.config.checkQuorum && this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0;
      if (!this.quorumActive()) {
        this.becomeFollower(this.term, null, 'no majority heard within an election timeout');
        return;
      }
    }
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
      this.maybeTransferToPreferredRegion();
      if (++this.heartbeats % LAG_EVERY_HEARTBEATS === 0) this.emitFollowerLag();
    }
  }

  /** How many entries each follower is missing, as the leader knows it (for metrics only). */
  private emitFollowerLag(): void {
    for (const [follower, pr] of this.progress) {
      this.env.emit({
        kind: 'metric',
        name: 'raft_follower_lag_entries',
        type: 'gauge',
        value: Math.max(0, this.log.lastIndex() - pr.match),
        labels: { follower },
      });
    }
  }

  /** Whether a majority of voters (this leader included) answered within an election timeout. */
  private quorumActive(): boolean {
    let active = 0;
    for (const v of this.config.voters) {
      const pr = this.progress.get(v);
      if (v === this.env.self || (pr && this.ticks - pr.lastHeardAt < this.electionTicks)) active++;
    }
    return active >= majority(this.config.voters.length);
  }

  private maybeTransferToPreferredRegion(): void {
    const preferred = this.config.leaderRegion;
    if (preferred === undefined || this.transferee !== null) return;
    if (this.config.regionOf.get(this.env.self) === preferred) return;
    if (!this.committedInTerm() || this.ticks - this.leaderSince < this.electionTicks) return;
    let best: NodeId | undefined;
    let bestMatch = -1;
    for (const v of this.config.voters) {
      const pr = this.progress.get(v);
      if (!pr || this.config.regionOf.get(v) !== preferred) continue;
      if (this.ticks - pr.lastHeardAt >= this.heartbeatTicks * 2) continue;
      if (pr.match > bestMatch) [best, bestMatch] = [v, pr.match];
    }
    if (best !== undefined && bestMatch >= this.commit) this.transferLeadership(best);
  }

  private committedInTerm(): boolean {
    return this.log.term(this.commit) === this.term;
  }

  private appendToLog(entries: readonly Entry[]): void {
    this.log.append(entries);
    // The leader's own acknowledgement counts toward commitment: make it true before sending.
    this.env.storage.sync();
  }

  private broadcastAppend(): void {
    for (const p of this.peers) this.sendAppend(p);
  }

  /** Sends `to` what it lacks, as far as flow control allows (etcd's maybeSendAppend). */
  private sendAppend(to: NodeId): void {
    const pr = this.progress.get(to);
    if (!pr || pr.isPaused(this.config.maxInflightAppends)) return;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < this.log.firstIndex()) {
      this.sendSnapshot(to, pr);
      return;
    }
    const last = Math.min(this.log.lastIndex(), prevIndex + this.config.maxEntriesPerAppend);
    const entries = last > prevIndex ? this.log.entries(pr.next, last + 1) : [];
    if (pr.state === 'replicate' && entries.length === 0) return;
    this.send(to, {
      type: 'append',
      term: this.term,
      prevIndex,
      prevTerm,
      entries,
      commit: this.commit,
      round: this.round,
    });
    if (pr.state === 'replicate') pr.sent(last);
    else pr.probeSent = true;
  }

  private sendTimeoutNow(to: NodeId): void {
    this.leaseRevoked = true;
    this.send(to, { type: 'timeout-now', term: this.term });
  }

  private sendSnapshot(to: NodeId, pr: Progress): void {
    const snapshot = this.log.snapshot;
    if (!snapshot) throw new Error(`raft: ${to} needs a snapshot and none exists`);
    pr.becomeSnapshot(snapshot.index, this.ticks);
    const parts = splitSnapshotState(snapshot.state, this.config.snapshotPartBytes);
    parts.forEach((state, part) =>
      this.send(to, {
        type: 'snapshot',
        term: this.term,
        index: snapshot.index,
        snapshotTerm: snapshot.term,
        state,
        part,
        parts: parts.length,
        round: this.round,
      }),
    );
  }

  /** A new heartbeat round: it confirms leadership for the reads and the lease waiting on it. */
  private broadcastHeartbeat(): void {
    this.round++;
    this.roundSentAt.set(this.round, this.env.now());
    for (const p of this.peers) {
      const pr = this.progress.get(p);
      // Never tell a follower to commit past what it is known to hold (etcd does the same).
      const commit = Math.min(pr?.match ?? 0, this.commit);
      this.send(p, { type: 'heartbeat', term: this.term, commit, round: this.round });
    }
    this.advanceQuorumRound();
  }

  private handleResponse(
    from: NodeId,
    m: Extract<RaftMessage, { type: 'append.resp' | 'heartbeat.resp' }>,
  ): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(from);
    if (!pr) return;
    pr.lastHeardAt = this.ticks;
    if (m.round > pr.ackedRound) {
      pr.ackedRound = m.round;
      this.advanceQuorumRound();
    }
    if (m.type === 'heartbeat.resp') {
      pr.probeSent = false;
      const stalled =
        pr.state === 'replicate' &&
        pr.match < this.log.lastIndex() &&
        this.ticks - pr.lastProgressAt > Math.max(4, this.electionTicks / 2);
      const snapshotLost =
        pr.state === 'snapshot' && this.ticks - pr.snapshotSentAt > this.electionTicks;
      // Appends or a snapshot lost on the way: start again from what is known to match.
      if (stalled || snapshotLost) pr.becomeProbe();
      if (pr.match < this.log.lastIndex()) this.sendAppend(from);
      return;
    }
    if (m.reject) {
      const probeFrom =
        m.hintTerm > 0 ? this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
      if (pr.maybeDecrTo(m.index, probeFrom)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(from);
      }
      return;
    }
    if (m.index > this.log.lastIndex()) {
      // A follower holds committed entries this leader lacks: Leader Completeness (§5.4) is
      // broken, which only a broken election rule allows. Stop, as etcd-io/raft panics.
      throw new Error(
        `raft: ${from} acknowledged index ${m.index}, past leader ${this.env.self}'s last index ${this.log.lastIndex()} (Leader Completeness violated)`,
      );
    }
    if (!pr.maybeUpdate(m.index, this.ticks)) return;
    if (pr.state === 'probe') pr.becomeReplicate(this.ticks);
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeProbe();
    this.maybeCommit();
    if (this.role !== 'leader') return;
    this.sendAppend(from);
    if (from === this.transferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(from);
  }

  /** Commits what a majority holds, if it is of this term (Raft §5.4.2: never count older terms). */
  private maybeCommit(): void {
    const index = committedIndex(this.config.voters, (v) =>
      v === this.env.self ? this.log.lastIndex() : this.progress.get(v)?.match,
    );
    if (index <= this.commit || this.log.term(index) !== this.term) return;
    const firstInTerm = !this.committedInTerm();
    const count = index - this.commit;
    this.commit = index;
    this.env.emit({ kind: 'commit', index, count });
    this.applyCommitted();
    if (firstInTerm) {
      const early = this.readsBeforeFirstCommit;
      this.readsBeforeFirstCommit = [];
      for (const r of early) this.leaderRead(r.request, r.waiter, r.path);
    }
  }

  private advanceQuorumRound(): void {
    const q = committedIndex(this.config.voters, (v) =>
      v === this.env.self ? this.round : this.progress.get(v)?.ackedRound,
    );
    if (q <= this.quorumRound) return;
    this.quorumRound = q;
    const sentAt = this.roundSentAt.get(q);
    if (sentAt !== undefined) this.leaseFrom = sentAt;
    for (const r of this.roundSentAt.keys()) if (r <= q) this.roundSentAt.delete(r);
    this.serveReads();
  }

  private leaseValid(): boolean {
    return (
      this.config.checkQuorum &&
      this.transferee === null &&
      !this.leaseRevoked &&
      this.leaseFrom !== undefined &&
      this.env.now() < this.leaseFrom + this.config.leaseDurationMs
    );
  }

  // ---- followers ----------------------------------------------------------------------------

  private handleFromLeader(
    from: NodeId,
    m: Extract<RaftMessage, { type: 'append' | 'heartbeat' | 'snapshot' | 'timeout-now' }>,
  ): void {
    if (this.role === 'leader') {
      // Two leaders in one term would break Election Safety: a bug, or a forged message.
      this.env.emit({
        kind: 'log',
        level: 'error',
        message: `${from} claims to lead term ${m.term}, which this replica leads`,
      });
      return;
    }
    if (this.role !== 'follower' && this.role !== 'learner') {
      this.becomeFollower(this.term, from, `${from} won term ${this.term}`);
    }
    if (this.leader !== from) this.setLeader(from);
    this.electionElapsed = 0;
    this.bootSticky = false;
    switch (m.type) {
      case 'append':
        return this.handleAppend(from, m);
      case 'heartbeat':
        this.commitTo(Math.min(m.commit, this.log.lastIndex()));
        this.send(from, { type: 'heartbeat.resp', term: this.term, round: m.round });
        return;
      case 'snapshot':
        return this.handleSnapshot(from, m);
      case 'timeout-now':
        if (this.isVoter) this.startElection(false, true);
        return;
    }
  }

  private handleAppend(from: NodeId, m: Extract<RaftMessage, { type: 'append' }>): void {
    const accept = (index: number) =>
      this.send(from, {
        type: 'append.resp',
        term: this.term,
        index,
        reject: false,
        hintIndex: 0,
        hintTerm: 0,
        round: m.round,
      });
    if (m.prevIndex < this.commit) {
      // Everything up to the commit index matches already; say how far.
      accept(this.commit);
      return;
    }
    if (!this.log.matchTerm(m.prevIndex, m.prevTerm)) {
      const hint = this.log.findConflictByTerm(
        Math.min(m.prevIndex, this.log.lastIndex()),
        m.prevTerm,
      );
      this.send(from, {
        type: 'append.resp',
        term: this.term,
        index: m.prevIndex,
        reject: true,
        hintIndex: hint.index,
        hintTerm: hint.term,
        round: m.round,
      });
      return;
    }
    const conflict = this.log.findConflict(m.prevIndex + 1, m.entries);
    if (conflict !== 0) {
      if (conflict <= this.commit) {
        throw new Error(`raft: entry ${conflict} conflicts with committed ${this.commit}`);
      }
      this.log.truncateFrom(conflict);
      this.log.append(m.entries.slice(conflict - (m.prevIndex + 1)));
    }
    const lastNew = m.prevIndex + m.entries.length;
    // Acknowledge only what is durable: the leader counts this answer toward a majority.
    this.env.storage.sync();
    this.commitTo(Math.min(m.commit, lastNew));
    accept(lastNew);
  }

  private handleSnapshot(from: NodeId, m: Extract<RaftMessage, { type: 'snapshot' }>): void {
    if (m.index > this.commit && m.parts > 1) {
      // Parts arrive in order on one link; a lost one leaves the assembly short, the leader
      // sees no answer and sends the snapshot again (snapshotLost in its progress check).
      const state = this.snapshotParts.add(
        `${m.term}/${m.index}/${m.snapshotTerm}`,
        m.part,
        m.parts,
        m.state,
      );
      if (state === undefined) return;
      m = { ...m, state, part: 0, parts: 1 };
    }
    if (m.index > this.commit) {
      if (this.log.matchTerm(m.index, m.snapshotTerm)) {
        // This log already holds what the snapshot covers: just commit it.
        this.commitTo(m.index);
      } else {
        const snapshot = { index: m.index, term: m.snapshotTerm, state: m.state };
        this.log.restore(snapshot);
        this.env.storage.sync();
        this.restoreStateMachine(snapshot);
        this.env.emit({
          kind: 'log',
          level: 'info',
          message: `installed a snapshot at ${m.index} from ${from}`,
        });
      }
    }
    this.send(from, {
      type: 'append.resp',
      term: this.term,
      index: Math.max(this.commit, m.index),
      reject: false,
      hintIndex: 0,
      hintTerm: 0,
      round: m.round,
    });
  }

  private commitTo(index: number): void {
    if (index <= this.commit) return;
    this.commit = index;
    this.applyCommitted();
  }

  // ---- the state machine --------------------------------------------------------------------

  private applyCommitted(): void {
    while (this.applied < this.commit) {
      const index = this.applied + 1;
      const request = this.log.entry(index).request;
      this.applied = index;
      if (request === undefined) continue;
      const result = this.applyRequest(request);
      const waiters = this.waiters.get(request.id);
      if (waiters) {
        this.waiters.delete(request.id);
        for (const w of waiters) this.answer(w, result);
      }
    }
    this.maybeSnapshot();
    this.serveReads();
  }

  /** Applies an update once per request id: a duplicate proposal gets the first outcome. */
  private applyRequest(request: ClientRequest): ClientResult {
    const seen = this.store.outcome(request.id);
    if (seen) return seen;
    const { result, changed } = this.store.apply(request.id, request.op);
    this.store.remember(request.id, result);
    if (changed !== undefined) this.store.data.set(request.op.key, changed);
    return result;
  }

  private maybeSnapshot(): void {
    if (this.applied - this.log.snapshotIndex < this.config.snapshotEvery) return;
    const term = this.log.term(this.applied);
    if (term === undefined) return;
    const state: SnapshotState = {
      data: [...this.store.data],
      outcomes: this.store.remembered(),
    };
    this.log.compact({ index: this.applied, term, state });
  }

  private restoreStateMachine(snapshot: Snapshot): void {
    this.store.data.clear();
    for (const [key, value] of snapshot.state.data) this.store.data.set(key, value);
    for (const [id, result] of snapshot.state.outcomes) this.store.remember(id, result);
    this.commit = Math.max(this.commit, snapshot.index);
    this.applied = snapshot.index;
  }

  // ---- clients ------------------------------------------------------------------------------

  private handleRequest(req: ClientRequest, waiter: Waiter): void {
    const path = readPathOf(req.level ?? 'linearizable', this.config.reads);
    if (path === undefined) {
      this.answer(
        waiter,
        fail(
          req.id,
          'unsupported',
          `raft serves levels follower, leader, lease, read-index and linearizable, not ${req.level}`,
        ),
      );
      return;
    }
    // A replica that became leader since it forwarded this request answers it itself now.
    if (waiter.local && this.role === 'leader') this.forwarded.delete(req.id);
    if (!isUpdate(req.op)) {
      if (path === 'local') return this.answer(waiter, this.store.apply(req.id, req.op).result);
      if (this.role === 'leader') return this.leaderRead(req, waiter, path);
    } else if (this.role === 'leader') {
      return this.propose(req, waiter);
    }
    if (!waiter.local) {
      // Forwarded to a replica that no longer leads: it never proposed this request.
      const hint = this.leader === null ? 'no leader known' : `the leader is ${this.leader}`;
      this.answer(waiter, fail(req.id, 'not-leader', `${this.env.self} does not lead (${hint})`));
      return;
    }
    this.forward(req);
  }

  private forward(req: ClientRequest): void {
    if (this.leader === null) {
      if (!this.awaitingLeader.some((a) => a.request.id === req.id)) {
        this.awaitingLeader.push({ request: req, since: this.ticks });
      }
      return;
    }
    const previous = this.forwarded.get(req.id);
    if (previous) {
      previous.attempts++;
      previous.to = this.leader;
    } else {
      this.forwarded.set(req.id, {
        request: req,
        to: this.leader,
        sentAt: this.ticks,
        attempts: 1,
      });
    }
    this.env.emit({ kind: 'forward', request: req.id, to: this.leader });
    this.send(this.leader, { type: 'forward', request: req });
  }

  private handleForwardResult(result: ClientResult): void {
    const f = this.forwarded.get(result.id);
    if (!f) return;
    this.forwarded.delete(result.id);
    // A refusal of a retry says nothing of the earlier attempt, which a leader may have logged.
    const refusedRetry =
      result.type === 'fail' && f.attempts > 1 && REFUSALS.includes(result.error);
    this.env.reply(
      result.id,
      refusedRetry ? info(result.id, 'indeterminate', result.detail) : result,
    );
  }

  /** Gives up on requests that waited an election timeout for a leader to be known. */
  private sweepAwaitingLeader(): void {
    if (this.awaitingLeader.length === 0) return;
    const waiting: { request: ClientRequest; since: number }[] = [];
    for (const a of this.awaitingLeader) {
      if (this.ticks - a.since < this.electionTicks) {
        waiting.push(a);
        continue;
      }
      const id = a.request.id;
      // Never sent anywhere, it cannot take effect: a definite failure. A retry of one that
      // was sent may still be in some leader's log: unknown.
      if (this.forwarded.delete(id)) {
        this.env.reply(id, info(id, 'unavailable', 'no leader known to retry with'));
      } else {
        this.env.reply(id, fail(id, 'unavailable', `${this.env.self} knows no leader`));
      }
    }
    this.awaitingLeader = waiting;
  }

  private sweepForwarded(): void {
    this.sweepAwaitingLeader();
    if (this.forwarded.size === 0) return;
    for (const [id, f] of this.forwarded) {
      // Insertion order is send order: the first one not overdue ends the sweep.
      if (this.ticks - f.sentAt < this.forwardTimeoutTicks) break;
      this.forwarded.delete(id);
      this.env.reply(id, info(id, 'timeout', 'no answer from the leader'));
    }
  }

  private propose(req: ClientRequest, waiter: Waiter): void {
    const seen = this.store.outcome(req.id);
    if (seen) return this.answer(waiter, seen);
    const waiting = this.waiters.get(req.id);
    if (waiting) {
      // A retry of a proposal still in flight waits for the same outcome (once per asker).
      const same = (w: Waiter) =>
        w.local ? waiter.local : !waiter.local && w.node === waiter.node;
      if (!waiting.some(same)) waiting.push(waiter);
      return;
    }
    if (this.transferee !== null) {
      // etcd drops proposals during a transfer (ErrProposalDropped): never logged, so `fail`.
      this.answer(waiter, fail(req.id, 'aborted', `leadership moving to ${this.transferee}`));
      return;
    }
    this.waiters.set(req.id, [waiter]);
    this.appendToLog([{ term: this.term, request: req }]);
    this.broadcastAppend();
    this.maybeCommit();
  }

  private leaderRead(req: ClientRequest, waiter: Waiter, path: ReadPath): void {
    if (path === 'leader') return this.answer(waiter, this.store.apply(req.id, req.op).result);
    if (!this.committedInTerm()) {
      this.readsBeforeFirstCommit.push({ request: req, waiter, path });
      return;
    }
    if (path === 'lease' && this.leaseValid()) {
      this.env.emit({ kind: 'metric', name: 'raft_lease_reads_total', type: 'counter', value: 1 });
      return this.answer(waiter, this.store.apply(req.id, req.op).result);
    }
    if (waiter.local && this.pendingReads.some((r) => r.waiter.local && r.request.id === req.id)) {
      return; // a client's retry of a read already waiting here
    }
    this.pendingReads.push({ request: req, waiter, index: this.commit, round: this.round + 1 });
    // One heartbeat round confirms every read that arrived before it was sent; while one is
    // out, later reads wait for the next, which starts when it returns.
    if (this.quorumRound >= this.round) this.broadcastHeartbeat();
  }

  private serveReads(): void {
    if (this.pendingReads.length === 0) return;
    const waiting: PendingRead[] = [];
    for (const r of this.pendingReads) {
      if (r.round <= this.quorumRound && r.index <= this.applied) {
        this.answer(r.waiter, this.store.apply(r.request.id, r.request.op).result);
      } else {
        waiting.push(r);
      }
    }
    this.pendingReads = waiting;
    // Reads that arrived while a round was out wait for the next one: start it now.
    if (
      this.role === 'leader' &&
      this.quorumRound >= this.round &&
      waiting.some((r) => r.round > this.round)
    ) {
      this.broadcastHeartbeat();
    }
  }

  private answer(waiter: Waiter, result: ClientResult): void {
    if (waiter.local) this.env.reply(result.id, result);
    else this.send(waiter.node, { type: 'forward.result', result });
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private send(to: NodeId, m: RaftMessage): void {
    this.env.send(to, encodeRaftMessage(m));
  }

  private saveHardState(): void {
    const vote = this.config.unsafe?.volatileVote === true ? null : this.vote;
    this.env.storage.put(HARD_STATE_KEY, { term: this.term, vote });
    // Raft persists term and vote before answering anyone in the new term (figure 2).
    this.env.storage.sync();
  }

  private setRole(role: Role): void {
    if (role === this.role && role !== 'candidate') return;
    this.role = role;
    this.env.emit({ kind: 'role', role, term: this.term });
  }

  private setLeader(leader: NodeId | null): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.env.emit({ kind: 'leader', leader, term: this.term });
    if (leader === null) return;
    // Requests relayed to a leader that is gone go to the new one at once, rather than wait
    // out the forward timeout (a crashed leader never answers). The new leader deduplicates by
    // request id, and a second attempt refused is `info` (handleForwardResult).
    const stranded = [...this.forwarded.values()].filter((f) => f.to !== leader);
    for (const f of stranded) this.handleRequest(f.request, { local: true });
    const waiting = this.awaitingLeader;
    this.awaitingLeader = [];
    for (const a of waiting) this.handleRequest(a.request, { local: true });
  }
}

export function raft(env: Env, config: RaftConfig): Replica {
  return new Raft(env, config);
}
