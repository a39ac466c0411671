/**
 * Leaderless replication, Dynamo and Cassandra style (DeCandia et al., "Dynamo: Amazon's
 * Highly Available Key-value Store", SOSP 2007; Lakshman & Malik, "Cassandra", 2010; DDIA
 * ch. 5 "Leaderless Replication"), as a geolab replica over Env.
 *
 * Every node is equal: it stores the keys the ring gives it (placement.ts), coordinates the
 * requests of the clients that talk to it (coordinator.ts) at the consistency level each asks
 * for (levels.ts), keeps hints for replicas it could not reach and hands them off when they are
 * back (hints.ts), compares Merkle trees with a random peer on an interval (anti-entropy.ts),
 * and with `serial: true` runs Paxos for compare-and-set (paxos.ts). Conflicts resolve by
 * last-write-wins or are kept as siblings (cell.ts). Failure detection is by heartbeat
 * (failure-detector.ts); a sloppy quorum (sloppy.ts) is optional.
 *
 * This file is the replica's shell: it decodes and dispatches messages (a malformed one is
 * dropped with a warning), serves its own data to coordinators, and runs the periodic work.
 */
import type { Env, Replica } from '../../core/env';
import type { NodeId } from '../../core/ids';
import type { Json } from '../../core/json';
import { fail, type ClientRequest, type ClientResult } from '../../core/messages/client';
import type { PeerMessage } from '../../core/messages/envelope';
import { ShapeError } from '../../core/messages/shape';
import { AntiEntropy, ANTI_ENTROPY_TAG } from './anti-entropy';
import { cellDigest, isLwwCell, mergeOptional, type Cell } from './cell';
import type { LeaderlessConfig } from './config';
import type { ReplicaContext } from './context';
import { Coordinator } from './coordinator';
import { FailureDetector } from './failure-detector';
import { HintStore } from './hints';
import { chooseLevel } from './levels';
import { decodeMessage, encodeMessage, type LeaderlessMessage } from './messages';
import { UpdateOutcomes } from './outcomes';
import { Paxos } from './paxos';
import { Placement } from './placement';
import { KeyGauge } from '../shared/key-gauge';
import { CellStore } from './store';
import { Stamper } from './timestamps';

const TICK = 'leaderless.tick';
const REPLAY = 'leaderless.hints';
/** Update outcomes remembered to answer retried requests (outcomes.ts). */
const REMEMBERED_UPDATES = 4096;
/** Hints offered to one replica per replay round at most. */
const HINTS_PER_ROUND = 64;

interface HintInFlight {
  readonly target: NodeId;
  readonly key: string;
  readonly digest: string;
  readonly sentAt: number;
}

export class Leaderless implements Replica, ReplicaContext {
  readonly placement: Placement;
  readonly detector: FailureDetector;
  readonly store: CellStore;
  private readonly keyGauge: KeyGauge;
  readonly hints: HintStore;
  readonly stamper: Stamper;
  readonly region: string;
  private readonly coordinator: Coordinator;
  private readonly paxos: Paxos;
  private readonly antiEntropy: AntiEntropy;
  private readonly outcomes = new UpdateOutcomes(REMEMBERED_UPDATES);
  private readonly regions = new Map<NodeId, string>();
  private readonly peers: readonly NodeId[];
  /**
   * Peers sent anything since the last heartbeat tick. Any message proves its sender alive
   * (failure-detector.ts), so a peer already sent one needs no heartbeat this tick: a
   * keepalive only on an idle link, as TCP's. A peer still hears from us at least every
   * second tick, well inside the failure timeout (five ticks at the defaults). Under load
   * this drops most of the all-to-all heartbeats, which at 27 live replicas were 3,510
   * messages a second through the proxy (docs/reliability/scale.md).
   */
  private readonly sentSinceTick = new Set<NodeId>();
  /** Offered hints by target and key: each is offered again only after a write timeout. */
  private readonly hintsOffered = new Map<string, { op: string; sentAt: number }>();
  private readonly hintOps = new Map<string, HintInFlight>();
  private boot = '';
  private seq = 0;

  constructor(
    readonly env: Env,
    readonly config: LeaderlessConfig,
  ) {
    for (const m of config.members) this.regions.set(m.id, m.region);
    const me = config.members.find((m) => m.id === env.self);
    if (me === undefined) throw new RangeError(`${env.self} is not a member of the cluster`);
    if (config.serial && config.conflicts !== 'lww')
      throw new RangeError('serial (Paxos) needs conflicts: lww');
    this.region = me.region;
    this.peers = config.members.map((m) => m.id).filter((id) => id !== env.self);
    this.placement = new Placement(
      config.members.filter((m) => m.ring),
      config.replicationFactor,
      config.virtualNodes,
    );
    this.detector = new FailureDetector(
      env.self,
      this.peers,
      config.heartbeatIntervalMs,
      config.failureTimeoutMs,
    );
    this.store = new CellStore(env.storage);
    this.keyGauge = new KeyGauge(env);
    this.hints = new HintStore(
      env.storage,
      config.members.map((m) => m.id),
    );
    this.stamper = new Stamper(config.timestamps, env.self);
    this.coordinator = new Coordinator(this);
    this.paxos = new Paxos(this);
    this.antiEntropy = new AntiEntropy(this);
  }

  // ---- Replica ----------------------------------------------------------------------------

  onStart(): void {
    this.store.load();
    this.hints.load();
    this.paxos.acceptor.load();
    // Operation ids must not repeat across restarts: a late reply to an earlier life's
    // operation would otherwise count for a new one.
    this.boot = Math.floor(this.env.random() * 2 ** 32).toString(36);
    this.env.emit({ kind: 'role', role: 'replica' });
    if (this.config.heartbeatIntervalMs > 0)
      this.env.setTimer(this.config.heartbeatIntervalMs, TICK);
    if (this.config.hintedHandoff) this.env.setTimer(this.config.hintReplayIntervalMs, REPLAY);
    this.antiEntropy.schedule();
  }

  onTimer(tag: string): void {
    switch (tag) {
      case TICK:
        this.env.setTimer(this.config.heartbeatIntervalMs, TICK);
        this.detector.advance();
        for (const p of this.peers)
          if (!this.sentSinceTick.has(p)) this.send(p, { type: 'heartbeat' });
        this.sentSinceTick.clear();
        this.keyGauge.update(() => this.store.size);
        return;
      case REPLAY:
        this.env.setTimer(this.config.hintReplayIntervalMs, REPLAY);
        this.replayHints();
        return;
      case ANTI_ENTROPY_TAG:
        this.antiEntropy.round();
        return;
      default:
        if (!this.coordinator.onTimer(tag)) this.paxos.onTimer(tag);
    }
  }

  onClient(req: ClientRequest): void {
    let respond = (result: ClientResult): void => this.env.reply(req.id, result);
    const op = req.op;
    if (op.f === 'write' || op.f === 'cas') {
      const admitted = this.outcomes.admit(req.id);
      if (admitted.kind === 'drop') return;
      if (admitted.kind === 'answer') {
        respond(admitted.result);
        return;
      }
      respond = (result) => {
        this.outcomes.done(req.id, result);
        this.env.reply(req.id, result);
      };
    }
    if (op.f !== 'read' && op.f !== 'write' && op.f !== 'cas') {
      respond(
        fail(
          req.id,
          'unsupported',
          `leaderless stores registers: read, write, and cas with serial: true (not ${op.f})`,
        ),
      );
      return;
    }
    const choice = chooseLevel(op.f, req.level, this.config, this.region);
    if (!choice.ok) {
      respond(fail(req.id, 'unsupported', choice.reason));
      return;
    }
    const plan = choice.plan;
    if (plan.kind === 'serial') {
      const update =
        op.f === 'read'
          ? undefined
          : op.f === 'write'
            ? { next: op.value, answer: op.value }
            : { next: op.value[1], expected: { value: op.value[0] }, answer: op.value as Json };
      this.paxos.start(req.id, op.key, plan.local, respond, update);
      return;
    }
    if (op.f === 'read') {
      this.coordinator.read({ id: req.id, client: req.client, key: op.key, plan, respond });
      return;
    }
    if (op.f === 'write') {
      this.coordinator.write({
        id: req.id,
        client: req.client,
        region: req.region,
        key: op.key,
        value: op.value,
        ...(req.level === undefined ? {} : { requested: req.level }),
        plan,
        context: this.coordinator.sessions.get(req.client, op.key),
        respond,
      });
    }
  }

  onMessage(from: NodeId, msg: PeerMessage): void {
    let m: LeaderlessMessage;
    try {
      m = decodeMessage(msg);
      if (!this.fits(m))
        throw new ShapeError(`${msg.type}.cell`, `a ${this.config.conflicts} cell`, null);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      this.env.emit({
        kind: 'log',
        level: 'warn',
        message: `dropped a malformed message from ${from}: ${e.message}`,
      });
      return;
    }
    if (this.detector.heard(from)) this.replayHints(from);
    this.dispatch(from, m);
  }

  private dispatch(from: NodeId, m: LeaderlessMessage): void {
    switch (m.type) {
      case 'write':
        this.stamp(m.cell);
        this.applyLocal(m.key, m.cell, m.for);
        this.env.storage.sync();
        this.send(from, { type: 'write-ack', op: m.op });
        return;
      case 'write-ack':
        if (!this.hintDelivered(from, m.op)) this.coordinator.onWriteAck(from, m.op);
        return;
      case 'read':
        this.send(from, { type: 'read-reply', op: m.op, cell: this.readLocal(m.key) ?? null });
        return;
      case 'read-reply':
        if (m.cell !== null) this.stamp(m.cell);
        this.coordinator.onReadReply(from, m.op, m.cell ?? undefined);
        return;
      case 'heartbeat':
        return;
      case 'tree':
        this.antiEntropy.onTree(from, m.op, m.depth, m.hashes);
        return;
      case 'tree-diff':
        this.antiEntropy.onTreeDiff(from, m.op, m.leaves, m.cells);
        return;
      case 'cells':
        this.antiEntropy.merge(m.cells);
        return;
      case 'prepare':
      case 'propose':
      case 'commit':
        this.paxos.onAcceptorMessage(from, m);
        return;
      case 'promise':
      case 'propose-reply':
      case 'commit-ack':
        this.paxos.onProposerMessage(from, m);
        return;
      case 'forward':
        this.onForward(from, m);
        return;
      case 'forward-result':
        this.coordinator.onForwardResult(from, m.op, m.result);
        return;
    }
  }

  /** A sibling write forwarded here to be minted by a replica: coordinate it from here. */
  private onForward(from: NodeId, m: Extract<LeaderlessMessage, { type: 'forward' }>): void {
    const request = m.request;
    const respond = (result: ClientResult): void =>
      this.send(from, { type: 'forward-result', op: m.op, result });
    if (request.op.f !== 'write') {
      respond(
        fail(request.id, 'invalid-request', `only writes are forwarded, not ${request.op.f}`),
      );
      return;
    }
    if (!this.placement.isReplica(request.op.key, this.env.self)) {
      respond(
        fail(request.id, 'unavailable', `${this.env.self} is no replica of ${request.op.key}`),
      );
      return;
    }
    const choice = chooseLevel('write', request.level, this.config, m.local);
    if (!choice.ok || choice.plan.kind !== 'quorum') {
      respond(fail(request.id, 'unsupported', choice.ok ? 'not a write level' : choice.reason));
      return;
    }
    this.coordinator.write({
      id: request.id,
      client: request.client,
      region: request.region,
      key: request.op.key,
      value: request.op.value,
      ...(request.level === undefined ? {} : { requested: request.level }),
      plan: choice.plan,
      context: m.context,
      respond,
    });
  }

  // ---- hinted handoff -------------------------------------------------------------------

  /** Offers waiting hints to replicas that are up (to `only`, when it just came back). */
  private replayHints(only?: NodeId): void {
    const now = this.env.now();
    for (const target of this.hints.targets()) {
      if ((only !== undefined && target !== only) || !this.detector.isAlive(target)) continue;
      let offered = 0;
      for (const hint of this.hints.forTarget(target)) {
        if (offered >= HINTS_PER_ROUND) break;
        const slot = `${target}\u0000${hint.key}`;
        const last = this.hintsOffered.get(slot);
        if (last !== undefined && now - last.sentAt < this.config.writeTimeoutMs) continue;
        if (last !== undefined) this.hintOps.delete(last.op);
        const op = this.newOp();
        const digest = cellDigest(hint.cell);
        this.hintsOffered.set(slot, { op, sentAt: now });
        this.hintOps.set(op, { target, key: hint.key, digest, sentAt: now });
        this.send(target, { type: 'write', op, key: hint.key, cell: hint.cell });
        offered++;
      }
    }
  }

  private hintDelivered(from: NodeId, op: string): boolean {
    const h = this.hintOps.get(op);
    if (h === undefined) return false;
    this.hintOps.delete(op);
    if (h.target !== from) return true;
    this.hintsOffered.delete(`${h.target}\u0000${h.key}`);
    this.hints.delivered(h.target, h.key, h.digest);
    this.env.storage.sync();
    this.metric('hints_delivered_total');
    return true;
  }

  // ---- ReplicaContext -------------------------------------------------------------------

  regionOf(node: NodeId): string {
    const region = this.regions.get(node);
    if (region === undefined) throw new RangeError(`${node} is not a member`);
    return region;
  }

  newOp(): string {
    return `${this.boot}.${++this.seq}`;
  }

  send(to: NodeId, m: LeaderlessMessage): void {
    this.sentSinceTick.add(to);
    this.env.send(to, encodeMessage(m));
  }

  applyLocal(key: string, cell: Cell, standingInFor?: NodeId): void {
    if (standingInFor !== undefined && standingInFor !== this.env.self) {
      this.hints.add(standingInFor, key, cell, this.env.now());
      return;
    }
    this.store.merge(key, cell);
  }

  readLocal(key: string): Cell | undefined {
    const own = this.store.get(key);
    // A stand-in answers sloppy reads with the copies it holds for others.
    return this.config.sloppyQuorum ? mergeOptional(own, this.hints.forKey(key)) : own;
  }

  metric(name: string, value = 1, labels?: Readonly<Record<string, string>>): void {
    this.env.emit({
      kind: 'metric',
      name: `leaderless_${name}`,
      type: 'counter',
      value,
      ...(labels === undefined ? {} : { labels }),
    });
  }

  // ---- helpers --------------------------------------------------------------------------

  /** A hybrid clock moves past the stamps it sees. */
  private stamp(cell: Cell): void {
    if (isLwwCell(cell)) this.stamper.observe(cell.ts, this.env.now());
  }

  /** Whether every cell in the message is of the kind this cluster keeps. */
  private fits(m: LeaderlessMessage): boolean {
    switch (m.type) {
      case 'write':
      case 'read-reply':
      case 'promise':
        return this.fitsCell(m.cell);
      case 'tree-diff':
      case 'cells':
        return m.cells.every(([, cell]) => this.fitsCell(cell));
      default:
        return true;
    }
  }

  private fitsCell(cell: Cell | null): boolean {
    return cell === null || isLwwCell(cell) === (this.config.conflicts === 'lww');
  }

  /** For tests and status pages: what this replica holds. */
  cell(key: string): Cell | undefined {
    return this.store.get(key);
  }

  status(): { keys: number; hints: number; inFlight: number } {
    return { keys: this.store.size, hints: this.hints.count, inFlight: this.coordinator.inFlight };
  }
}

export function leaderless(env: Env, config: LeaderlessConfig): Leaderless {
  return new Leaderless(env, config);
}
