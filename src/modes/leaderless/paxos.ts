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
 * A refused ballot (at prepare or propose) is retried above the highest ballot seen, after a
 * random back-off, until `casTimeoutMs`. Once its own value was proposed, an operation may be
 * chosen by a round it no longer controls, so each retry first settles that: its value still in
 * progress is finished (ok), its value already current took effect (ok), a predecessor's value
 * in progress is finished first; otherwise nothing on the replicas says whether its value was
 * chosen and overwritten since, or may still be chosen from a minority that accepted it, and
 * the answer is `info`. (Cassandra re-evaluates the condition instead, which is how a
 * contended LWT can report "not applied" for an update that was: CASSANDRA-9328.)
 *
 * Answers: `ok` once committed to a majority; `fail cas-mismatch` when the comparison fails
 * before anything of this operation was proposed; `fail timeout` at the deadline under the
 * same condition; `info` otherwise. Writes at SERIAL run the same round without the comparison.
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

const sameStamp = (a: Stamp, b: Stamp): boolean => compareStamps(a, b) === 0;

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

/** A serial write: `next`, if the register holds `expected` (a cas) or unconditionally. */
export interface SerialUpdate {
  readonly next: Json;
  /** Absent: an unconditional write. */
  readonly expected?: { readonly value: Json };
  /** What an ok answer carries (the op's own value, as for every update). */
  readonly answer: Json;
}

interface Run {
  readonly id: RequestId;
  readonly key: string;
  /** What it writes; a serial read writes nothing. */
  readonly update?: SerialUpdate;
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
  /**
   * This operation's cell once proposed: from then on it may be chosen by any later round,
   * so a retry proposes this same cell (a duplicate choice is the same write) or reports it.
   */
  mine: LwwCell | null;
  /** How many rounds proposed `mine`, and who refused the first: refused by all, it is dead. */
  mineRounds: number;
  readonly mineRefusals: Set<NodeId>;
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
  /** The round that first proposed a run's own value → the run, until the run ends. */
  private readonly firstProposals = new Map<string, Run>();

  constructor(private readonly node: ReplicaContext) {
    this.acceptor = new AcceptorStates(node.env.storage);
  }

  // ---- proposer -------------------------------------------------------------------------

  /** A serial read of `key` (no `update`), or a serial write or compare-and-set. */
  start(id: RequestId, key: string, local: boolean, respond: Respond, update?: SerialUpdate): void {
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
      ...(update === undefined ? {} : { update }),
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
      mine: null,
      mineRounds: 0,
      mineRefusals: new Set(),
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
    const pending =
      inProgress && (lastCommit === null || compareStamps(inProgress.ballot, lastCommit) > 0)
        ? inProgress
        : null;
    if (
      run.mine !== null &&
      run.mineRounds === 1 &&
      run.mineRefusals.size === run.participants.length
    ) {
      // Every acceptor refused it: it is accepted nowhere, so it can never be chosen.
      run.mine = null;
    }
    const mine = run.mine;
    if (mine !== null) {
      // Proposed before and preempted: find out what became of it before anything else.
      if (pending !== null && sameStamp(pending.cell.ts, mine.ts)) {
        this.propose(run, mine, true);
        return;
      }
      if (current !== undefined && isLwwCell(current) && sameStamp(current.ts, mine.ts)) {
        this.finish(run, ok(run.id, (run.update as SerialUpdate).answer));
        return;
      }
      if (pending === null) {
        // It may have been chosen and overwritten since, or sit accepted on a minority and be
        // chosen later: nothing on the replicas tells which.
        this.finish(run, info(run.id, 'indeterminate', 'preempted by a concurrent operation'));
        return;
      }
    }
    if (pending !== null) {
      // A predecessor's proposal may have been chosen: finish it before anything else.
      this.node.metric('paxos_repairs_total');
      this.propose(run, pending.cell, false);
      return;
    }
    const value = readValue(current);
    const update = run.update;
    if (update === undefined) {
      this.finish(run, ok(run.id, value));
      return;
    }
    if (update.expected !== undefined && !jsonEqual(value, update.expected.value)) {
      this.finish(run, fail(run.id, 'cas-mismatch', `held ${JSON.stringify(value)}`));
      return;
    }
    const floor =
      current !== undefined && isLwwCell(current) ? newer(current.ts, run.ballot) : run.ballot;
    run.mine = { v: update.next, ts: this.node.stamper.above(this.node.env.now(), floor) };
    this.propose(run, run.mine, true);
  }

  private propose(run: Run, cell: LwwCell, own: boolean): void {
    if (own && ++run.mineRounds === 1) {
      this.firstProposals.set(run.round, run);
      run.mineRefusals.clear();
    }
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
    const first = this.firstProposals.get(op);
    if (first !== undefined && !accepted && first.participants.includes(from))
      first.mineRefusals.add(from);
    const run = this.runOf(op);
    if (run === undefined || run.phase !== 'propose' || !run.participants.includes(from)) return;
    run.highest = newer(run.highest, promised);
    if (!accepted) {
      // Preempted by a higher ballot: try again above it. A proposal of this operation's own
      // value is remembered in `mine`, and the next round finds out what became of it.
      if (++run.rejects > run.participants.length - run.need) this.backoff(op, run);
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
    this.finish(run, ok(run.id, (run.update as SerialUpdate).answer));
  }

  private backoff(op: string, run: Run): void {
    run.phase = 'backoff';
    const runId = this.rounds.get(op) as string;
    const ms = 1 + this.node.env.random() * Math.min(100, 10 * run.attempts);
    this.node.metric('paxos_contention_total');
    this.node.env.setTimer(ms, RETRY_TAG + runId);
  }

  private finish(run: Run, result: Parameters<Respond>[0]): void {
    for (const [op, r] of this.firstProposals) if (r === run) this.firstProposals.delete(op);
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
      // Once its own value was proposed, it may yet be chosen: only before that is it a fail.
      run.mine !== null
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
