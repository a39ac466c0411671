/**
 * Linearizable compare-and-set per key, as Cassandra's lightweight transactions do it: a
 * single-decree Paxos round (Lamport, "Paxos Made Simple", 2001) among the key's replicas for
 * every operation, with the value read in the same round (Cassandra 4.1's Paxos v2 reads in
 * the prepare phase too). SERIAL runs it among all replicas of the key, LOCAL_SERIAL among
 * those of the coordinator's region (faster, and linearizable only if every client of the key
 * uses the same region's LOCAL_SERIAL). Quorum reads and writes of the same key bypass it and
 * lose its guarantee, as in Cassandra; that contrast is one flag (`serial`) away.
 *
 * A round: prepare(ballot) to the participants; a majority promises, each returning what it
 * accepted and has not seen committed, the last ballot it saw committed, and its current cell.
 * If some accepted proposal is newer than every commit seen, a previous coordinator stopped
 * half way: this one proposes that value again under its own ballot and commits it, then starts
 * over. Otherwise the current value is the newest cell among the promises (every committed value
 * reached a majority, which intersects this one); the cas compares, proposes (a majority must
 * accept), and commits to every replica, answering once a majority of participants applied it.
 *
 * Answers: a ballot refused before anything of this operation was proposed is retried after a
 * random back-off until `casTimeoutMs`, then `fail timeout` (never proposed, so never applied);
 * a comparison that does not match is `fail cas-mismatch`; once its own value was proposed, a
 * refusal or a timeout is `info` (a later round may still find and finish it).
 */
import type { NodeId, RequestId, TimerId } from '../../core/ids';
import { jsonEqual, type Json } from '../../core/json';
import { fail, info, ok } from '../../core/messages/client';
import type { DurableStorage } from '../../core/storage/durable-storage';
import { majority } from '../../core/quorum';
import { cellJson, isLwwCell, mergeOptional, readValue, type Cell, type LwwCell } from './cell';
import type { ReplicaContext } from './context';
import type { Respond } from './coordinator';
import type { Accepted, LeaderlessMessage } from './messages';
import { BucketedMap } from './buckets';
import { compareStamps, type Stamp } from './timestamps';

interface AcceptorState {
  readonly promised: Stamp | null;
  readonly accepted: Accepted | null;
  readonly committed: Stamp | null;
}

const EMPTY: AcceptorState = { promised: null, accepted: null, committed: null };
const PREFIX = 'p.';

const newer = (a: Stamp | null, b: Stamp | null): Stamp | null =>
  a === null ? b : b === null ? a : compareStamps(a, b) >= 0 ? a : b;

/** The acceptor's durable state per key, filed in `p.<key hash>` buckets as cells are. */
export class AcceptorStates {
  private readonly states: BucketedMap<AcceptorState>;

  constructor(storage: DurableStorage) {
    this.states = new BucketedMap<AcceptorState>(storage, PREFIX);
  }

  load(): void {
    this.states.load();
  }

  get(key: string): AcceptorState {
    return this.states.get(key) ?? EMPTY;
  }

  set(key: string, state: AcceptorState): void {
    this.states.set(key, state);
  }
}

type PromiseMessage = Extract<LeaderlessMessage, { type: 'promise' }>;

interface Run {
  readonly id: RequestId;
  readonly key: string;
  /** cas: [expected, next]; a serial read has neither. */
  readonly cas?: readonly [Json, Json];
  readonly participants: readonly NodeId[];
  readonly need: number;
  readonly respond: Respond;
  readonly deadline: TimerId;
  round: string;
  ballot: Stamp;
  phase: 'prepare' | 'propose' | 'commit' | 'backoff';
  readonly promises: Map<NodeId, PromiseMessage>;
  refusals: number;
  proposal: LwwCell | null;
  /** Whether the proposal in flight is this operation's own value (not a predecessor's). */
  own: boolean;
  readonly accepts: Set<NodeId>;
  rejects: number;
  readonly committed: Set<NodeId>;
  /** The highest ballot any acceptor reported: the next attempt must go above it. */
  highest: Stamp | null;
  attempts: number;
}

export const DEADLINE_TAG = 'leaderless.cas-deadline:';
export const RETRY_TAG = 'leaderless.cas-retry:';

export class Paxos {
  readonly acceptor: AcceptorStates;
  private readonly runs = new Map<string, Run>();
  /** Round id → run id. */
  private readonly rounds = new Map<string, string>();

  constructor(private readonly node: ReplicaContext) {
    this.acceptor = new AcceptorStates(node.env.storage);
  }

  // ---- proposer -------------------------------------------------------------------------

  /** A compare-and-set (`cas` given) or a serial read of `key`. */
  start(
    id: RequestId,
    key: string,
    local: boolean,
    respond: Respond,
    cas?: readonly [Json, Json],
  ): void {
    const { env, placement, detector, config } = this.node;
    const replicas = placement.replicas(key);
    const participants = local
      ? replicas.filter((r) => this.node.regionOf(r) === this.node.region)
      : replicas;
    const need = majority(participants.length);
    const up = participants.filter((r) => detector.isAlive(r)).length;
    if (participants.length === 0 || up < need) {
      respond(
        fail(
          id,
          'unavailable',
          `Paxos on ${key} needs ${need} of ${participants.length} replicas, ${up} reachable`,
        ),
      );
      return;
    }
    const runId = this.node.newOp();
    const run: Run = {
      id,
      key,
      ...(cas === undefined ? {} : { cas }),
      participants,
      need,
      respond,
      deadline: env.setTimer(config.casTimeoutMs, DEADLINE_TAG + runId),
      round: '',
      ballot: [0, 0, env.self],
      phase: 'prepare',
      promises: new Map(),
      refusals: 0,
      proposal: null,
      own: false,
      accepts: new Set(),
      rejects: 0,
      committed: new Set(),
      highest: null,
      attempts: 0,
    };
    this.runs.set(runId, run);
    this.prepare(runId, run);
  }

  private prepare(runId: string, run: Run): void {
    const { env } = this.node;
    this.rounds.delete(run.round);
    run.round = this.node.newOp();
    this.rounds.set(run.round, runId);
    run.attempts++;
    run.ballot = this.node.stamper.above(env.now(), run.highest);
    run.phase = 'prepare';
    run.promises.clear();
    run.refusals = 0;
    const m: LeaderlessMessage = {
      type: 'prepare',
      op: run.round,
      key: run.key,
      ballot: run.ballot,
    };
    for (const p of run.participants) this.toAcceptor(p, m);
  }

  onPromise(from: NodeId, m: PromiseMessage): void {
    const run = this.runOf(m.op);
    if (run === undefined || run.phase !== 'prepare' || !run.participants.includes(from)) return;
    if (run.promises.has(from)) return;
    run.highest = newer(run.highest, m.promised);
    if (!m.ok) {
      if (++run.refusals > run.participants.length - run.need) this.backoff(m.op, run);
      return;
    }
    run.promises.set(from, m);
    if (run.promises.size < run.need) return;
    let inProgress: Accepted | null = null;
    let lastCommit: Stamp | null = null;
    let current: Cell | undefined;
    for (const p of run.promises.values()) {
      if (p.accepted && (!inProgress || compareStamps(p.accepted.ballot, inProgress.ballot) > 0))
        inProgress = p.accepted;
      lastCommit = newer(lastCommit, p.committed);
      current = mergeOptional(current, p.cell ?? undefined);
    }
    if (inProgress && (lastCommit === null || compareStamps(inProgress.ballot, lastCommit) > 0)) {
      // A predecessor's proposal may have been chosen: finish it before anything else.
      this.node.metric('paxos_repairs_total');
      this.propose(run, inProgress.cell, false);
      return;
    }
    const value = readValue(current);
    if (run.cas === undefined) {
      this.finish(run, ok(run.id, value));
      return;
    }
    const [expected, next] = run.cas;
    if (!jsonEqual(value, expected)) {
      this.finish(run, fail(run.id, 'cas-mismatch', `held ${JSON.stringify(value)}`));
      return;
    }
    const floor =
      current !== undefined && isLwwCell(current) ? newer(current.ts, run.ballot) : run.ballot;
    this.propose(run, { v: next, ts: this.node.stamper.above(this.node.env.now(), floor) }, true);
  }

  private propose(run: Run, cell: LwwCell, own: boolean): void {
    run.phase = 'propose';
    run.proposal = cell;
    run.own = own;
    run.accepts.clear();
    run.rejects = 0;
    const m: LeaderlessMessage = {
      type: 'propose',
      op: run.round,
      key: run.key,
      ballot: run.ballot,
      cell,
    };
    for (const p of run.participants) this.toAcceptor(p, m);
  }

  onProposeReply(from: NodeId, op: string, accepted: boolean, promised: Stamp | null): void {
    const run = this.runOf(op);
    if (run === undefined || run.phase !== 'propose' || !run.participants.includes(from)) return;
    run.highest = newer(run.highest, promised);
    if (!accepted) {
      if (++run.rejects <= run.participants.length - run.need) return;
      if (run.own) {
        this.finish(
          run,
          info(run.id, 'indeterminate', 'a higher ballot preempted the proposal (contention)'),
        );
      } else {
        this.backoff(op, run);
      }
      return;
    }
    run.accepts.add(from);
    if (run.accepts.size < run.need || run.proposal === null) return;
    run.phase = 'commit';
    run.committed.clear();
    const m: LeaderlessMessage = {
      type: 'commit',
      op: run.round,
      key: run.key,
      ballot: run.ballot,
      cell: run.proposal,
    };
    // Committed to every replica of the key, so quorum reads see it; a majority of the
    // participants applying it is what the answer waits for.
    for (const r of this.node.placement.replicas(run.key)) this.toAcceptor(r, m);
  }

  onCommitAck(from: NodeId, op: string): void {
    const run = this.runOf(op);
    if (run === undefined || run.phase !== 'commit' || !run.participants.includes(from)) return;
    run.committed.add(from);
    if (run.committed.size < run.need) return;
    const runId = this.rounds.get(op) as string;
    if (!run.own) {
      this.prepare(runId, run);
      return;
    }
    this.finish(run, ok(run.id, run.cas as unknown as Json));
  }

  private backoff(op: string, run: Run): void {
    run.phase = 'backoff';
    const runId = this.rounds.get(op) as string;
    const ms = 1 + this.node.env.random() * Math.min(100, 10 * run.attempts);
    this.node.metric('paxos_contention_total');
    this.node.env.setTimer(ms, RETRY_TAG + runId);
  }

  private finish(run: Run, result: Parameters<Respond>[0]): void {
    const runId = this.rounds.get(run.round);
    this.rounds.delete(run.round);
    if (runId !== undefined) this.runs.delete(runId);
    this.node.env.cancelTimer(run.deadline);
    run.respond(result);
  }

  private runOf(op: string): Run | undefined {
    const runId = this.rounds.get(op);
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  /** Handles the proposer's timers; false when `tag` is not one of them. */
  onTimer(tag: string): boolean {
    if (tag.startsWith(RETRY_TAG)) {
      const runId = tag.slice(RETRY_TAG.length);
      const run = this.runs.get(runId);
      if (run !== undefined && run.phase === 'backoff') this.prepare(runId, run);
      return true;
    }
    if (!tag.startsWith(DEADLINE_TAG)) return false;
    const run = this.runs.get(tag.slice(DEADLINE_TAG.length));
    if (run === undefined) return true;
    const after = `no decision within ${this.node.config.casTimeoutMs}ms (${run.attempts} round(s))`;
    this.finish(
      run,
      run.own
        ? info(run.id, 'timeout', after)
        : fail(run.id, 'timeout', `${after}, nothing proposed`),
    );
    return true;
  }

  // ---- acceptor -------------------------------------------------------------------------

  /** Delivers to an acceptor: this node's own at once, others by message. */
  private toAcceptor(to: NodeId, m: LeaderlessMessage): void {
    if (to !== this.node.env.self) {
      this.node.send(to, m);
      return;
    }
    this.onAcceptorMessage(to, m);
  }

  /** The acceptor's side of prepare, propose and commit; answers through `answer`. */
  onAcceptorMessage(from: NodeId, m: LeaderlessMessage): void {
    const { env } = this.node;
    const answer = (reply: LeaderlessMessage): void => {
      if (from === env.self) this.onProposerMessage(from, reply);
      else this.node.send(from, reply);
    };
    switch (m.type) {
      case 'prepare': {
        this.node.stamper.observe(m.ballot, env.now());
        const state = this.acceptor.get(m.key);
        const granted = state.promised === null || compareStamps(m.ballot, state.promised) > 0;
        if (granted) {
          this.acceptor.set(m.key, { ...state, promised: m.ballot });
          env.storage.sync();
        }
        const cell = this.node.store.get(m.key);
        answer({
          type: 'promise',
          op: m.op,
          ok: granted,
          promised: granted ? m.ballot : state.promised,
          accepted: state.accepted,
          committed: state.committed,
          cell: cell === undefined ? null : (cellJson(cell) as unknown as Cell),
        });
        return;
      }
      case 'propose': {
        const state = this.acceptor.get(m.key);
        const granted = state.promised === null || compareStamps(m.ballot, state.promised) >= 0;
        if (granted) {
          this.acceptor.set(m.key, {
            ...state,
            promised: m.ballot,
            accepted: { ballot: m.ballot, cell: m.cell },
          });
          env.storage.sync();
        }
        answer({
          type: 'propose-reply',
          op: m.op,
          ok: granted,
          promised: granted ? m.ballot : state.promised,
        });
        return;
      }
      case 'commit': {
        const state = this.acceptor.get(m.key);
        const done = state.accepted !== null && compareStamps(state.accepted.ballot, m.ballot) <= 0;
        this.acceptor.set(m.key, {
          promised: state.promised,
          accepted: done ? null : state.accepted,
          committed: newer(state.committed, m.ballot),
        });
        this.node.applyLocal(m.key, m.cell);
        env.storage.sync();
        answer({ type: 'commit-ack', op: m.op });
        return;
      }
      default:
        return;
    }
  }

  /** The proposer's side of promise, propose-reply and commit-ack. */
  onProposerMessage(from: NodeId, m: LeaderlessMessage): void {
    switch (m.type) {
      case 'promise':
        this.onPromise(from, m);
        return;
      case 'propose-reply':
        this.onProposeReply(from, m.op, m.ok, m.promised);
        return;
      case 'commit-ack':
        this.onCommitAck(from, m.op);
        return;
      default:
        return;
    }
  }
}
