/**
 * The coordinator: the replica a client talks to runs each of its reads and writes across the
 * key's replicas (Dynamo §4.5; Cassandra's StorageProxy).
 *
 * Writes go to every replica of the key that is up (and, in a sloppy quorum, to stand-ins for
 * those that are not); the level says how many acknowledgements to wait for. Replicas that are
 * down get a hint kept here; replicas that do not answer in time get one too, as Cassandra
 * writes hints on a write timeout. With siblings, the version is minted by a replica of the
 * key (cell.ts): a coordinator that is none forwards the write to the closest one.
 *
 * Reads go to the closest replicas the level needs (or to all of them, `readTargets: all`),
 * one more if the first have not answered within `speculativeRetryMs`, and answer with the
 * merge of what the first replicas to reach the level returned. Read repair then writes that
 * merge back to the replicas that answered with something older: `blocking` waits for them
 * before answering (so a value once returned is on a quorum: DDIA's fix for the read that
 * races a write), `async` answers at once, `off` never repairs.
 *
 * Answers, in Jepsen's terms (core/messages/client):
 * - too few replicas up to meet the level, so nothing was sent: `fail unavailable`;
 * - a write that was sent but missed its level in time: `info timeout` (it may have landed);
 * - a read that missed its level: `fail timeout` (a read has no effect to be unsure about).
 */
import type { VersionVector } from '../../core/clocks';
import type { ClientId, NodeId, RegionId, RequestId, TimerId } from '../../core/ids';
import type { Json } from '../../core/json';
import { fail, info, ok, type ClientResult } from '../../core/messages/client';
import {
  contextOf,
  mergeOptional,
  readValue,
  sameCell,
  siblingCount,
  updateSiblings,
  type Cell,
  type SiblingCell,
} from './cell';
import type { ReplicaContext, Route } from './context';
import { withinWindow } from './hints';
import { AckTally, chooseTargets, counts, type LevelPlan } from './levels';
import { byCloseness } from './proximity';
import { SessionContexts } from './sessions';
import { chooseStandIns } from './sloppy';

export type Respond = (result: ClientResult) => void;

type QuorumPlan = Extract<LevelPlan, { kind: 'quorum' }>;

export interface WriteRequest {
  readonly id: RequestId;
  readonly client: ClientId;
  readonly region: RegionId;
  readonly key: string;
  readonly value: Json;
  /** The level the client asked for, if any (a forwardee chooses again from it). */
  readonly requested?: string;
  readonly plan: QuorumPlan;
  /** The causal context the write supersedes (siblings only). */
  readonly context: VersionVector;
  readonly respond: Respond;
}

export interface ReadRequest {
  readonly id: RequestId;
  readonly client: ClientId;
  readonly key: string;
  readonly plan: QuorumPlan;
  readonly respond: Respond;
}

interface PendingWrite {
  readonly request: WriteRequest;
  readonly cell: Cell;
  readonly tally: AckTally;
  /** Targets yet to acknowledge → the replica each acknowledges for. */
  readonly waiting: Map<NodeId, NodeId>;
  readonly timer: TimerId;
  replied: boolean;
}

interface PendingRead {
  readonly request: ReadRequest;
  readonly tally: AckTally;
  /** Targets asked → the replica each answers for. */
  readonly asked: Map<NodeId, NodeId>;
  /** Answers by replica (undefined: it holds nothing for the key). */
  readonly replies: Map<NodeId, Cell | undefined>;
  /** Replicas not asked yet, closest first: speculative retry takes the next. */
  readonly spare: Route[];
  readonly timer: TimerId;
  phase: 'reading' | 'repairing';
  value: Json;
  /** Targets whose repair has not been acknowledged yet (blocking read repair). */
  readonly repairing: Set<NodeId>;
}

interface PendingForward {
  readonly respond: Respond;
  readonly id: RequestId;
  readonly to: NodeId;
  readonly timer: TimerId;
}

export const TIMEOUT_TAG = 'leaderless.timeout:';
export const SPECULATE_TAG = 'leaderless.speculate:';

export class Coordinator {
  private readonly writes = new Map<string, PendingWrite>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly forwards = new Map<string, PendingForward>();
  readonly sessions: SessionContexts;

  constructor(private readonly node: ReplicaContext) {
    this.sessions = new SessionContexts(node.config.sessionContexts);
  }

  // ---- writes ---------------------------------------------------------------------------

  write(request: WriteRequest): void {
    const { env, config, placement, detector } = this.node;
    const key = request.key;
    const where = placement.of(key);
    const isAlive = (n: NodeId) => detector.isAlive(n);
    if (config.conflicts === 'siblings' && !where.replicas.includes(env.self)) {
      this.forward(request);
      return;
    }
    const standIns = config.sloppyQuorum
      ? chooseStandIns(where, isAlive, (n) => this.node.regionOf(n))
      : new Map<NodeId, NodeId>();
    const covered = new Set(standIns.values());
    const routes: Route[] = [];
    for (const r of where.replicas) {
      if (isAlive(r)) routes.push({ replica: r, region: this.node.regionOf(r), target: r });
    }
    for (const [target, r] of standIns)
      routes.push({ replica: r, region: this.node.regionOf(r), target });
    const hinted = where.replicas.filter(
      (r) =>
        !isAlive(r) &&
        !covered.has(r) &&
        config.hintedHandoff &&
        withinWindow(detector.downForMs(r), config.hintWindowMs),
    );
    const req = request.plan.requirement;
    const reachable =
      chooseTargets(req, routes.map(asCandidate)) !== undefined ||
      (req.kind === 'anywhere' && req.hintsCount && routes.length + hinted.length >= req.count);
    if (!reachable) {
      request.respond(
        fail(
          request.id,
          'unavailable',
          `${request.plan.level} cannot be met: ${routes.length} of ${where.replicas.length} replicas of ${key} reachable`,
        ),
      );
      return;
    }
    const op = this.node.newOp();
    const cell = this.makeCell(request);
    const tally = new AckTally(req);
    const waiting = new Map<NodeId, NodeId>();
    for (const route of routes) {
      if (route.target === env.self) {
        // Minted here already (siblings), or stored here: as this node's own copy, or as a
        // stand-in's hint for the replica it replaces.
        if (config.conflicts === 'lww') this.node.applyLocal(key, cell, route.replica);
        tally.ack(route.replica, route.region);
        continue;
      }
      waiting.set(route.target, route.replica);
      this.node.send(route.target, {
        type: 'write',
        op,
        key,
        cell,
        ...(route.target === route.replica ? {} : { for: route.replica }),
      });
    }
    for (const r of hinted) {
      this.node.hints.add(r, key, cell, env.now());
      tally.hint();
      this.node.metric('hints_stored_total');
    }
    env.storage.sync();
    const pending: PendingWrite = {
      request,
      cell,
      tally,
      waiting,
      timer: env.setTimer(config.writeTimeoutMs, TIMEOUT_TAG + op),
      replied: false,
    };
    this.writes.set(op, pending);
    this.checkWrite(op, pending);
  }

  private makeCell(request: WriteRequest): Cell {
    const { env, store, stamper, config } = this.node;
    if (config.conflicts === 'lww') return { v: request.value, ts: stamper.next(env.now()) };
    // A replica mints the version from its own vector, and stores it before anyone sees it.
    const local = store.get(request.key) as SiblingCell | undefined;
    const cell = updateSiblings(local, request.context, env.self, request.value);
    store.set(request.key, cell);
    return cell;
  }

  onWriteAck(from: NodeId, op: string): void {
    const w = this.writes.get(op);
    if (w !== undefined) {
      const replica = w.waiting.get(from);
      if (replica === undefined) return;
      w.waiting.delete(from);
      w.tally.ack(replica, this.node.regionOf(replica));
      this.checkWrite(op, w);
      return;
    }
    const r = this.reads.get(op);
    if (r !== undefined && r.phase === 'repairing' && r.repairing.delete(from)) {
      if (r.repairing.size === 0) this.finishRead(op, r);
    }
  }

  private checkWrite(op: string, w: PendingWrite): void {
    if (!w.replied && w.tally.met()) {
      w.replied = true;
      w.request.respond(ok(w.request.id, w.request.value));
    }
    if (w.waiting.size === 0) {
      this.node.env.cancelTimer(w.timer);
      this.writes.delete(op);
    }
  }

  private writeTimedOut(op: string, w: PendingWrite): void {
    this.writes.delete(op);
    const { config, env, hints } = this.node;
    if (config.hintedHandoff && w.waiting.size > 0) {
      for (const replica of w.waiting.values()) {
        hints.add(replica, w.request.key, w.cell, env.now());
        w.tally.hint();
        this.node.metric('hints_stored_total');
      }
      env.storage.sync();
    }
    if (w.replied) return;
    w.replied = true;
    if (w.tally.met()) {
      w.request.respond(ok(w.request.id, w.request.value));
      return;
    }
    w.request.respond(
      info(
        w.request.id,
        'timeout',
        `${w.request.plan.level}: ${w.tally.count} replica(s) acknowledged within ${config.writeTimeoutMs}ms`,
      ),
    );
  }

  // ---- forwarding (siblings) -----------------------------------------------------------

  private forward(request: WriteRequest): void {
    const { env, config, placement, detector } = this.node;
    const alive = placement.replicas(request.key).filter((n) => detector.isAlive(n));
    const to = byCloseness(alive, env.self, config, (n) => this.node.regionOf(n))[0];
    if (to === undefined) {
      request.respond(
        fail(request.id, 'unavailable', `no replica of ${request.key} is up to mint the version`),
      );
      return;
    }
    const op = this.node.newOp();
    // The forwardee waits up to writeTimeoutMs for its replicas; allow it that and the trip.
    const timer = env.setTimer(config.writeTimeoutMs * 1.5, TIMEOUT_TAG + op);
    this.forwards.set(op, { respond: request.respond, id: request.id, to, timer });
    this.node.send(to, {
      type: 'forward',
      op,
      request: {
        id: request.id,
        client: request.client,
        region: request.region,
        op: { f: 'write', key: request.key, value: request.value },
        ...(request.requested === undefined ? {} : { level: request.requested }),
      },
      local: this.node.region,
      context: request.context,
    });
    env.emit({ kind: 'forward', request: request.id, to });
  }

  onForwardResult(from: NodeId, op: string, result: ClientResult): void {
    const f = this.forwards.get(op);
    if (f === undefined || f.to !== from || result.id !== f.id) return;
    this.forwards.delete(op);
    this.node.env.cancelTimer(f.timer);
    f.respond(result);
  }

  // ---- reads ----------------------------------------------------------------------------

  read(request: ReadRequest): void {
    const { env, config, placement, detector } = this.node;
    const where = placement.of(request.key);
    const isAlive = (n: NodeId) => detector.isAlive(n);
    const regionOf = (n: NodeId) => this.node.regionOf(n);
    const routes: Route[] = byCloseness(where.replicas, env.self, config, regionOf)
      .filter(isAlive)
      .map((r) => ({ replica: r, region: regionOf(r), target: r }));
    if (config.sloppyQuorum) {
      for (const [target, r] of chooseStandIns(where, isAlive, regionOf)) {
        routes.push({ replica: r, region: regionOf(r), target });
      }
    }
    const req = request.plan.requirement;
    const closest = chooseTargets(req, routes.map(asCandidate));
    if (closest === undefined) {
      request.respond(
        fail(
          request.id,
          'unavailable',
          `${request.plan.level} cannot be met: ${routes.length} of ${where.replicas.length} replicas of ${request.key} reachable`,
        ),
      );
      return;
    }
    const chosenReplicas = new Set(closest.map((c) => c.id));
    const first =
      config.readTargets === 'all' ? routes : routes.filter((r) => chosenReplicas.has(r.replica));
    const op = this.node.newOp();
    const pending: PendingRead = {
      request,
      tally: new AckTally(req),
      asked: new Map(),
      replies: new Map(),
      spare: routes.filter((r) => !first.includes(r)),
      timer: env.setTimer(config.readTimeoutMs, TIMEOUT_TAG + op),
      phase: 'reading',
      value: null,
      repairing: new Set(),
    };
    this.reads.set(op, pending);
    if (config.speculativeRetryMs !== undefined && pending.spare.length > 0) {
      env.setTimer(config.speculativeRetryMs, SPECULATE_TAG + op);
    }
    for (const route of first) this.ask(op, pending, route);
  }

  private ask(op: string, read: PendingRead, route: Route): void {
    read.asked.set(route.target, route.replica);
    if (route.target === this.node.env.self) {
      this.onReadReply(route.target, op, this.node.readLocal(read.request.key));
      return;
    }
    this.node.send(route.target, { type: 'read', op, key: read.request.key });
  }

  onReadReply(from: NodeId, op: string, cell: Cell | undefined): void {
    const read = this.reads.get(op);
    if (read === undefined || read.phase !== 'reading') return;
    const replica = read.asked.get(from);
    if (replica === undefined || read.replies.has(replica)) return;
    read.replies.set(replica, cell);
    const region = this.node.regionOf(replica);
    if (counts(read.tally.requirement, region)) read.tally.ack(replica, region);
    if (read.tally.met()) this.resolve(op, read);
  }

  private resolve(op: string, read: PendingRead): void {
    const { config, env } = this.node;
    const key = read.request.key;
    let merged: Cell | undefined;
    for (const cell of read.replies.values()) merged = mergeOptional(merged, cell);
    read.value = readValue(merged);
    if (config.conflicts === 'siblings') {
      this.sessions.set(read.request.client, key, contextOf(merged));
      if (merged !== undefined && siblingCount(merged) > 1) {
        env.emit({ kind: 'conflict', key, resolver: 'siblings', siblings: siblingCount(merged) });
      }
    }
    if (config.readRepair !== 'off' && merged !== undefined) {
      let local = false;
      for (const [target, replica] of read.asked) {
        if (!read.replies.has(replica) || sameCell(read.replies.get(replica), merged)) continue;
        this.node.metric('read_repairs_total', 1, { mode: config.readRepair });
        if (target === env.self) {
          this.node.applyLocal(key, merged, replica);
          local = true;
          continue;
        }
        read.repairing.add(target);
        this.node.send(target, {
          type: 'write',
          op,
          key,
          cell: merged,
          ...(target === replica ? {} : { for: replica }),
        });
      }
      if (local) env.storage.sync();
      if (config.readRepair === 'blocking' && read.repairing.size > 0) {
        read.phase = 'repairing';
        return;
      }
    }
    this.finishRead(op, read);
  }

  private finishRead(op: string, read: PendingRead): void {
    this.reads.delete(op);
    this.node.env.cancelTimer(read.timer);
    read.request.respond(ok(read.request.id, read.value));
  }

  private speculate(op: string): void {
    const read = this.reads.get(op);
    if (read === undefined || read.phase !== 'reading') return;
    const next = read.spare.shift();
    if (next === undefined) return;
    this.node.metric('speculative_retries_total');
    this.ask(op, read, next);
  }

  // ---- timers ---------------------------------------------------------------------------

  /** Handles the coordinator's timers; false when `tag` is not one of them. */
  onTimer(tag: string): boolean {
    if (tag.startsWith(SPECULATE_TAG)) {
      this.speculate(tag.slice(SPECULATE_TAG.length));
      return true;
    }
    if (!tag.startsWith(TIMEOUT_TAG)) return false;
    const op = tag.slice(TIMEOUT_TAG.length);
    const w = this.writes.get(op);
    if (w !== undefined) {
      this.writeTimedOut(op, w);
      return true;
    }
    const r = this.reads.get(op);
    if (r !== undefined) {
      this.reads.delete(op);
      const why =
        r.phase === 'repairing'
          ? `read repair of ${r.repairing.size} replica(s) not acknowledged`
          : `${r.request.plan.level}: ${r.tally.count} replica(s) answered`;
      r.request.respond(
        fail(r.request.id, 'timeout', `${why} within ${this.node.config.readTimeoutMs}ms`),
      );
      return true;
    }
    const f = this.forwards.get(op);
    if (f !== undefined) {
      this.forwards.delete(op);
      f.respond(info(f.id, 'timeout', `forwarded to ${f.to}, which did not answer`));
    }
    return true;
  }

  /** Operations in flight (for status and tests). */
  get inFlight(): number {
    return this.writes.size + this.reads.size + this.forwards.size;
  }
}

function asCandidate(route: Route): { id: NodeId; region: string } {
  return { id: route.replica, region: route.region };
}
