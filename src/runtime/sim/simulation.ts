import type { Env, Replica } from '../../core/env';
import type { ReplicaEvent } from '../../core/events';
import {
  asNodeId,
  asTimerId,
  type ClientId,
  type NodeId,
  type RequestId,
  type TimerId,
} from '../../core/ids';
import type { Json } from '../../core/json';
import {
  fail,
  info,
  type ClientRequest,
  type ClientResult,
  type Op,
} from '../../core/messages/client';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelope,
  type PeerMessage,
} from '../../core/messages/envelope';
import { utf8Length } from '../../core/messages/frame';
import { Rng, type Seed } from '../../core/random';
import { clientEndpointName } from '../../proxy/links';
import type { Topology } from '../../topology';
import { formatJsonl, formatJsonlLine } from '../../workload/history/jsonl';
import type { HistoryOp, Value } from '../../workload/history/op';
import { checkAndFreeze } from './checked-message';
import { EventQueue } from './event-queue';
import { SimNetwork, type Link } from './network';
import { SimNode } from './node';
import { StreamHash, Trace } from './trace';

/**
 * A deterministic discrete-event simulation of a topology running one replication mode:
 * the same `Replica` code as the live runtime, driven in virtual time. Every source of
 * nondeterminism — message delays, loss, timers, the replicas' `random()` — comes from one
 * seed, and events at equal times run in scheduling order, so the same seed and inputs give
 * the same event trace and the same client history, byte for byte.
 */

export interface SimulationOptions {
  readonly topology: Topology;
  readonly seed: Seed;
  /** Makes the replica for a node (the mode's factory, bound to its configuration). */
  readonly replica: (env: Env, node: NodeId) => Replica;
  /**
   * How peer messages are checked on their way (DESIGN §2: what live refuses, the simulator
   * must not accept): `checked` (default) checks each at the sender for what the live decoder
   * would refuse and shares it frozen (checked-message.ts); `wire` encodes and decodes every
   * message with the live codec, byte for byte; `off` hands the object over unchecked, to
   * measure the simulator alone.
   */
  readonly codec?: 'checked' | 'wire' | 'off';
  /** Keep the trace's lines, not just its hash. */
  readonly keepTrace?: boolean;
  /**
   * Keep the client history in memory (`history`, `historyJsonl()`); default true. Off for
   * long runs, which stream it through `onHistory` and still get `historyHash()`.
   */
  readonly keepHistory?: boolean;
  /** Called with every history record, and its JSON Lines line, as it happens. */
  readonly onHistory?: (op: HistoryOp, line: string) => void;
  /** Called with every event a replica emits. */
  readonly onEvent?: (node: NodeId, at: number, ev: ReplicaEvent) => void;
  /** Called with every message put on a link (peer messages and client requests/replies). */
  readonly onMessage?: (m: SimMessage) => void;
}

/** A message on a link, as the space-time diagram of a report draws it. */
export interface SimMessage {
  readonly from: string;
  readonly to: string;
  /** The peer message's type, or the client request's label. */
  readonly type: string;
  readonly sentAt: number;
  /** When it arrives; undefined when dropped or held by a partition. */
  readonly arrivesAt: number | undefined;
}

interface InFlight {
  readonly client: SimClient;
  readonly request: ClientRequest;
  readonly node: NodeId;
  readonly process: number;
  readonly invokedAt: number;
  retriesLeft: number;
  timeoutSeq: number;
  done?: (result: ClientResult) => void;
}

/** A message waiting on a held link: delivered when the hold is lifted. */
interface Held {
  readonly link: Link;
  readonly bytes: number;
  readonly deliver: () => void;
}

export class Simulation {
  readonly network: SimNetwork;
  readonly trace: Trace;
  readonly history: HistoryOp[] = [];
  private readonly historyDigest = new StreamHash();
  private readonly queue = new EventQueue<() => void>();
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly rng: Rng;
  private readonly held: Held[] = [];
  private readonly inFlight = new Map<RequestId, InFlight>();
  /**
   * Client time-outs, one FIFO per time-out length: deadlines are armed in time order, so each
   * queue is sorted, and one agenda event per queue (at its head's deadline) replaces one per
   * request — most requests complete, and those events were a third of a long run's work.
   */
  private readonly deadlines = new Map<number, { id: RequestId; seq: number; at: number }[]>();
  private readonly deadlineArmed = new Set<number>();
  private nowMs = 0;
  private nextTimer = 1;
  private nextProcess = 0;
  private nextClient = 0;
  private processed = 0;

  constructor(private readonly options: SimulationOptions) {
    this.rng = new Rng(options.seed);
    this.network = new SimNetwork(options.topology, this.rng.fork('network'));
    this.trace = new Trace({ keep: options.keepTrace });
    for (const n of options.topology.nodes) {
      const id = asNodeId(n.id);
      this.nodes.set(id, new SimNode(id, n.region, this.rng.fork(`node:${n.id}`)));
    }
    for (const node of this.nodes.values()) this.boot(node);
  }

  /** Virtual time, ms. */
  get now(): number {
    return this.nowMs;
  }

  /** Events handled so far. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** An independent random stream for a part of the run (a workload, a nemesis), by name. */
  random(label: string): Rng {
    return this.rng.fork(label);
  }

  /** Run `action` at virtual time `at` (a scenario step: a fault, a heal, a client op). */
  at(at: number, action: () => void): void {
    this.queue.push(Math.max(at, this.nowMs), action);
  }

  /** Run events until virtual time `untilMs` (inclusive), or until nothing is left to do. */
  runUntil(untilMs: number): void {
    while (this.queue.size > 0 && this.queue.peekTime() <= untilMs) {
      this.nowMs = this.queue.peekTime();
      const event = this.queue.pop();
      if (!event) break;
      this.processed++;
      event();
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  runFor(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  // ---- process faults -------------------------------------------------------------------

  /** The node stops: unsynced writes are lost (all but the first `keep`), timers die. */
  crash(id: string, options: { keep?: number } = {}): void {
    const node = this.node(id);
    if (node.state === 'down') return;
    node.state = 'down';
    node.incarnation++;
    node.timers.clear();
    node.outstanding.clear();
    node.pending.length = 0;
    node.storage.crash(options);
    node.replica = undefined;
    this.trace.add(this.nowMs, 'crash', id);
  }

  /** A crashed node starts again from its disk: a fresh replica over the same storage. */
  restart(id: string): void {
    const node = this.node(id);
    if (node.state !== 'down') return;
    this.trace.add(this.nowMs, 'restart', id);
    this.boot(node);
  }

  /** The process freezes (a GC pause, SIGSTOP): what arrives waits, its clock runs on. */
  pause(id: string): void {
    const node = this.node(id);
    if (node.state !== 'up') return;
    node.state = 'paused';
    this.trace.add(this.nowMs, 'pause', id);
  }

  resume(id: string): void {
    const node = this.node(id);
    if (node.state !== 'paused') return;
    node.state = 'up';
    this.trace.add(this.nowMs, 'resume', id);
    const waiting = node.pending.splice(0);
    for (const handle of waiting) {
      if (node.state !== 'up') {
        node.pending.push(handle);
        continue;
      }
      handle();
    }
  }

  /** Step a node's clock by `ms` (ahead when positive). */
  skewClock(id: string, ms: number): void {
    this.node(id).clock.skew(this.nowMs, ms);
    this.trace.add(this.nowMs, 'skew', id, ms);
  }

  /** Make a node's clock run at (1 + drift) times real speed from now on. */
  driftClock(id: string, drift: number): void {
    this.node(id).clock.setDrift(this.nowMs, drift);
    this.trace.add(this.nowMs, 'drift', id, drift);
  }

  /** A node's clock reading now. */
  clockOf(id: string): number {
    return this.node(id).clock.local(this.nowMs);
  }

  /** Whether a node is up, down or paused. */
  stateOf(id: string): SimNode['state'] {
    return this.node(id).state;
  }

  /** Lift every network fault, releasing held messages in the order they were sent. */
  heal(ids?: readonly number[]): void {
    this.network.heal(ids);
    this.trace.add(this.nowMs, 'heal', ids === undefined ? 'all' : ids.join(','));
    // Every held message whose link no longer holds meets the link as it is now, in the
    // order it was sent: delivered, or dropped if a harsher cut replaced the hold.
    const still: Held[] = [];
    for (const h of this.held) {
      const cut = h.link.cut;
      if (cut === 'hold') still.push(h);
      else if (cut === undefined)
        this.queue.push(this.network.arrival(h.link, this.nowMs, h.bytes), h.deliver);
      else this.trace.add(this.nowMs, 'drop', h.link.from, h.link.to, 'held', cut);
    }
    this.held.splice(0, this.held.length, ...still);
  }

  // ---- clients --------------------------------------------------------------------------

  /**
   * A client in `region` (one process at a time, as a Jepsen client thread). It talks to
   * `node`, by default a replica of its region, spread over them by client number.
   */
  client(region: string, options: { node?: string; timeoutMs?: number } = {}): SimClient {
    const topology = this.options.topology;
    const r = topology.regions.find((x) => x.name === region);
    if (!r) throw new RangeError(`unknown region ${region}`);
    const index = this.nextClient++;
    const node =
      options.node ?? r.nodes[index % Math.max(1, r.nodes.length)] ?? nearestNode(topology, region);
    return new SimClient(
      this,
      `c${index}` as ClientId,
      region,
      asNodeId(node),
      options.timeoutMs ?? topology.clientTimeoutMs,
    );
  }

  /** The history as JSON Lines, and its SHA-256: what two runs of one seed must share. */
  historyJsonl(): string {
    if (this.options.keepHistory === false)
      throw new Error('this simulation does not keep its history');
    return formatJsonl(this.history);
  }

  historyHash(): string {
    return this.historyDigest.digest();
  }

  /** @internal SimClient's entry: send a request (again, for a retry) and arm its timeout. */
  submit(flight: InFlight, retry: boolean): void {
    const { request, node } = flight;
    if (!retry) {
      this.inFlight.set(request.id, flight);
      this.record(flight, 'invoke', opValue(request.op), undefined);
    }
    const from = clientEndpointName(flight.client.region);
    this.trace.add(
      this.nowMs,
      retry ? 'retry' : 'invoke',
      request.id,
      node,
      request.op.f,
      request.op.key,
    );
    this.armTimeout(flight);
    this.transmit(
      from,
      node,
      'request',
      request,
      () => this.deliverRequest(node, from, request),
      // A refused connection is known a round trip later. A first attempt definitely did not
      // get through; a refused retry says nothing of the attempts before it, which may have.
      () =>
        this.queue.push(this.nowMs + Math.max(1, this.network.rttMs(from, node)), () =>
          this.complete(
            request.id,
            retry
              ? info(request.id, 'connection-lost', 'retry refused')
              : fail(request.id, 'unavailable', 'connection refused'),
          ),
        ),
    );
  }

  // ---- internals ------------------------------------------------------------------------

  private node(id: string): SimNode {
    const node = this.nodes.get(id as NodeId);
    if (!node) throw new RangeError(`unknown node ${id}`);
    return node;
  }

  private boot(node: SimNode): void {
    node.state = 'up';
    const incarnation = node.incarnation;
    const live = () => node.incarnation === incarnation && node.state !== 'down';
    const env: Env = {
      self: node.id,
      now: () => node.clock.local(this.nowMs),
      send: (to, msg) => {
        if (live()) this.sendPeer(node, to, msg);
      },
      setTimer: (afterMs, tag) => {
        const id = asTimerId(this.nextTimer++);
        if (!live()) return id;
        node.timers.add(id);
        const at = node.clock.virtualAfter(this.nowMs, Math.max(0, afterMs));
        this.queue.push(at, () => {
          if (!node.timers.has(id) || !live()) return;
          // Checked again when it runs: on a paused node a handler that runs first on resume
          // may cancel it.
          this.whenRunning(node, () => {
            if (!node.timers.delete(id) || !live()) return;
            this.trace.add(this.nowMs, 'timer', node.id, tag);
            node.replica?.onTimer(tag);
          });
        });
        return id;
      },
      cancelTimer: (id: TimerId) => {
        node.timers.delete(id);
      },
      reply: (req, res) => {
        if (live()) this.replyToClient(node, req, res);
      },
      storage: node.storage,
      random: () => node.rng.next(),
      emit: (ev) => {
        this.options.onEvent?.(node.id, this.nowMs, ev);
      },
    };
    node.env = env;
    node.replica = this.options.replica(env, node.id);
    node.replica.onStart();
  }

  /** Run `handle` now if the node is up, after resume if it is paused, never if it is down. */
  private whenRunning(node: SimNode, handle: () => void): void {
    if (node.state === 'up') handle();
    else if (node.state === 'paused') node.pending.push(handle);
  }

  private sendPeer(from: SimNode, to: NodeId, msg: PeerMessage): void {
    const target = this.nodes.get(to);
    if (!target) throw new RangeError(`${from.id} sent to unknown node ${to}`);
    const codec = this.options.codec ?? 'checked';
    if (codec !== 'wire') {
      const problem = codec === 'checked' ? checkAndFreeze(msg) : undefined;
      if (problem)
        throw new Error(
          `${from.id} → ${to} (${msg.type}): live would refuse this frame: ${problem}`,
        );
      this.transmit(from.id, to, msg.type, msg, () => this.deliverPeer(target, from.id, msg));
      return;
    }
    // Through the codec, as live: the receiver gets its own copy, checked as a frame would be.
    const frame = encodeEnvelope(envelope(from.id, to, msg));
    this.transmit(from.id, to, msg.type, frame, () => {
      const decoded = decodeEnvelope(frame, { self: to });
      if (!decoded.ok) {
        throw new Error(`${from.id} → ${to}: frame rejected: ${decoded.error.message}`);
      }
      this.deliverPeer(target, from.id, { type: decoded.value.type, body: decoded.value.body });
    });
  }

  /**
   * A message that was in flight when its target crashed and restarted still arrives at the
   * new incarnation (a simplification: a real TCP connection would have broken); nothing
   * reaches a node while it is down.
   */
  private deliverPeer(target: SimNode, from: NodeId, msg: PeerMessage): void {
    if (target.state === 'down') {
      this.trace.add(this.nowMs, 'lost', from, target.id, msg.type);
      return;
    }
    this.whenRunning(target, () => {
      this.trace.add(this.nowMs, 'deliver', from, target.id, msg.type);
      target.replica?.onMessage(from, msg);
    });
  }

  /**
   * Put one message on the link `from` → `to`: it arrives later, is held by a `hold`
   * partition, or is dropped (and `refused` runs when the connection was refused).
   * `payload` (the frame, or the value it would be) is measured only when a bandwidth
   * limit needs its size: measuring every message cost more than delivering it.
   */
  private transmit(
    from: string,
    to: string,
    label: string,
    payload: string | object,
    deliver: () => void,
    refused?: () => void,
  ): void {
    const bytes = this.network.needsSize(from, to)
      ? utf8Length(typeof payload === 'string' ? payload : JSON.stringify(payload))
      : 0;
    const fate = this.network.send(from, to, this.nowMs, bytes);
    this.options.onMessage?.({
      from,
      to,
      type: label,
      sentAt: this.nowMs,
      arrivesAt: fate.kind === 'arrive' ? fate.at : undefined,
    });
    switch (fate.kind) {
      case 'arrive':
        this.queue.push(fate.at, deliver);
        return;
      case 'hold':
        this.held.push({ link: this.network.link(from, to), bytes, deliver });
        this.trace.add(this.nowMs, 'hold', from, to, label);
        return;
      case 'drop':
        this.trace.add(this.nowMs, 'drop', from, to, label, fate.reason);
        if (fate.reason === 'refused') refused?.();
    }
  }

  private deliverRequest(nodeId: NodeId, from: string, request: ClientRequest): void {
    const node = this.node(nodeId);
    if (node.state === 'down') {
      this.trace.add(this.nowMs, 'lost', request.id);
      return;
    }
    this.whenRunning(node, () => {
      // A retry of a request still in progress reaches the replica again, as live: modes
      // deduplicate by id, and a forward lost to a partition gets re-sent.
      node.outstanding.set(request.id, from);
      this.trace.add(this.nowMs, 'request', request.id, node.id);
      node.replica?.onClient(request);
    });
  }

  private replyToClient(node: SimNode, id: RequestId, result: ClientResult): void {
    const to = node.outstanding.get(id);
    if (to === undefined) {
      this.trace.add(this.nowMs, 'bug: reply to a request the node does not hold', node.id, id);
      return;
    }
    node.outstanding.delete(id);
    this.transmit(node.id, to, 'result', result, () => this.complete(id, result));
  }

  private armTimeout(flight: InFlight): void {
    const ms = flight.client.timeoutMs;
    const queue = this.deadlines.get(ms) ?? [];
    this.deadlines.set(ms, queue);
    queue.push({ id: flight.request.id, seq: ++flight.timeoutSeq, at: this.nowMs + ms });
    if (!this.deadlineArmed.has(ms)) this.scheduleDeadlines(ms, queue);
  }

  private scheduleDeadlines(ms: number, queue: { id: RequestId; seq: number; at: number }[]): void {
    // Drop the heads that completed in the meantime; arm one event for the first live one.
    while (queue.length > 0 && this.inFlight.get(queue[0].id)?.timeoutSeq !== queue[0].seq)
      queue.shift();
    if (queue.length === 0) {
      this.deadlineArmed.delete(ms);
      return;
    }
    this.deadlineArmed.add(ms);
    this.queue.push(queue[0].at, () => {
      while (queue.length > 0 && queue[0].at <= this.nowMs) {
        const due = queue.shift() as { id: RequestId; seq: number };
        this.clientTimeout(due.id, due.seq);
      }
      this.scheduleDeadlines(ms, queue);
    });
  }

  private clientTimeout(id: RequestId, seq: number): void {
    const flight = this.inFlight.get(id);
    if (!flight || flight.timeoutSeq !== seq) return;
    if (flight.retriesLeft > 0) {
      flight.retriesLeft--;
      this.submit(flight, true);
      return;
    }
    this.complete(id, info(id, 'timeout'));
  }

  private complete(id: RequestId, result: ClientResult): void {
    const flight = this.inFlight.get(id);
    if (!flight) {
      this.trace.add(this.nowMs, 'late', id, result.type);
      return;
    }
    this.inFlight.delete(id);
    this.trace.add(this.nowMs, 'complete', id, result.type);
    if (result.type === 'ok') {
      this.record(flight, 'ok', okValue(flight.request.op, result.value), undefined);
    } else {
      this.record(flight, result.type, opValue(flight.request.op), result.error);
    }
    // A process whose op ended unknown may still have it in flight: Jepsen gives the thread a
    // fresh process number so that histories stay sequential per process.
    if (result.type === 'info') flight.client.process = this.nextProcess++;
    flight.client.busy = false;
    flight.done?.(result);
  }

  /**
   * Record a fault in the history as Jepsen's nemesis does (`process: "nemesis"`, type
   * `info`): checkers skip it as an op but use it, e.g. to find when the last fault healed.
   */
  recordNemesis(f: string, value: Value = null): void {
    this.appendHistory({ process: 'nemesis', type: 'info', f, value, time: this.nowMs });
    this.trace.add(this.nowMs, 'nemesis', f);
  }

  private record(
    flight: InFlight,
    type: HistoryOp['type'],
    value: Value,
    error: string | undefined,
  ): void {
    const op: HistoryOp = {
      process: flight.process,
      type,
      f: flight.request.op.f,
      key: flight.request.op.key,
      value,
      time: this.nowMs,
      region: flight.client.region,
      ...(error === undefined ? {} : { error }),
    };
    this.appendHistory(op);
  }

  private appendHistory(op: HistoryOp): void {
    const line = formatJsonlLine(op);
    this.historyDigest.update(line);
    if (this.options.keepHistory !== false) this.history.push(op);
    this.options.onHistory?.(op, line);
  }

  /** @internal */
  newProcess(): number {
    return this.nextProcess++;
  }
}

function opValue(op: Op): Value {
  return op.f === 'read' ? null : (op.value as Value);
}

/** An ok op's recorded value: what a read returned; for updates, what the op carried. */
function okValue(op: Op, returned: Json): Value {
  return op.f === 'read' ? (returned as Value) : (op.value as Value);
}

function nearestNode(topology: Topology, region: string): string {
  let best: { id: string; rtt: number } | undefined;
  for (const n of topology.nodes) {
    const there = topology.latency.links.get(`${region}>${n.region}`)?.delayMs ?? Infinity;
    const back = topology.latency.links.get(`${n.region}>${region}`)?.delayMs ?? Infinity;
    if (!best || there + back < best.rtt) best = { id: n.id, rtt: there + back };
  }
  if (!best) throw new RangeError('the topology has no replicas');
  return best.id;
}

/** One client process: at most one op in flight, recorded in the simulation's history. */
export class SimClient {
  process: number;
  busy = false;
  private seq = 0;

  constructor(
    private readonly sim: Simulation,
    readonly id: ClientId,
    readonly region: string,
    readonly node: NodeId,
    readonly timeoutMs: number,
  ) {
    this.process = sim.newProcess();
  }

  /**
   * Send `op` now; `done` gets the result (ok, fail, or info on timeout). With `retries`,
   * a timed-out request is sent again with the same id before giving up.
   */
  invoke(
    op: Op,
    options: { level?: string; retries?: number; node?: string } = {},
    done?: (r: ClientResult) => void,
  ): RequestId {
    if (this.busy) throw new Error(`client ${this.id} already has an op in flight`);
    this.busy = true;
    const id = `${this.id}:${++this.seq}` as RequestId;
    const request: ClientRequest = {
      id,
      client: this.id,
      region: this.region as ClientRequest['region'],
      op,
      ...(options.level === undefined ? {} : { level: options.level }),
    };
    this.sim.submit(
      {
        client: this,
        request,
        node: options.node === undefined ? this.node : asNodeId(options.node),
        process: this.process,
        invokedAt: this.sim.now,
        retriesLeft: options.retries ?? 0,
        timeoutSeq: 0,
        done,
      },
      false,
    );
    return id;
  }
}
