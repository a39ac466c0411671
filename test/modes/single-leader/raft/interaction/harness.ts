/**
 * etcd-io/raft's rafttest.InteractionEnv for geolab's Raft: N replicas, each over its own
 * hand-cranked Env (seeded random, manual clock, MemoryStorage), and a network that delivers
 * nothing by itself. Messages wait in their sender's outbox until a command delivers, drops or
 * partitions them, so a script fixes every interleaving and the trace is the same on every run.
 *
 * What a command prints, in the order it happens:
 * - `1->2 raft.vote term=1 ...`: a message delivered (format.ts); what the receiver then did
 *   is indented under it. A message lost says why: `dropped:` (by `drop=`),
 *   `dropped (partition):`, `dropped (3 is down):`.
 * - `2: term 0->1, vote none->1`: the fields of `status()` an input changed (as etcd prints a
 *   Ready's HardState): role, term, vote, leader, commit, applied (when it is not commit),
 *   lastIndex, snapshotIndex.
 * - `client -> 1 w1 write x=1` / `client <- 1 w1 ok 1`: a client request and its answer.
 * - `1 info: ...`: a log event the replica emitted.
 * - `ok` when nothing else was printed.
 *
 * Commands:
 * - add-nodes N [pre-vote=true] [check-quorum=true] [learners=ID,..] [election=TICKS]
 *   [tick-ms=MS] [snapshot-every=N] [volatile-vote=true]: nodes 1..N, once per cluster.
 * - tick ID [COUNT], tick-election ID... (the base election timeout in ticks, not the
 *   randomized one), tick-heartbeat ID...; campaign ID; transfer-leadership FROM TO.
 * - deliver-msgs [TO...] [drop=ID,..] [from=ID,..]: delivers the queued messages addressed to
 *   TO, drops those addressed to `drop`, and with neither delivers all; `from` narrows this to
 *   those senders. The rest stays queued. stabilize: deliver until nothing is queued.
 *   msgs [TO...]: show what is queued.
 * - propose ID KEY VALUE, read ID KEY [LEVEL]: a client request to ID.
 * - partition ID... (one side of the cut; messages across it are dropped), heal.
 * - crash ID (unsynced writes and timers lost), restart ID (a new Raft over its storage).
 * - status [ID...], log ID; reset (forget the cluster: a new add-nodes follows).
 */
import {
  asNodeId,
  parseClientId,
  parseRegionId,
  parseRequestId,
  type NodeId,
  type RequestId,
} from '../../../../../src/core/ids';
import type { ReplicaEvent } from '../../../../../src/core/events';
import type { Json } from '../../../../../src/core/json';
import type { ClientRequest, ClientResult, Op } from '../../../../../src/core/messages/client';
import type { PeerMessage } from '../../../../../src/core/messages/envelope';
import { RAFT_DEFAULTS, type RaftConfig } from '../../../../../src/modes/single-leader/raft/config';
import { RaftLog } from '../../../../../src/modes/single-leader/raft/log';
import { Raft } from '../../../../../src/modes/single-leader/raft/raft';
import { FakeEnv } from '../../../../core/fake-env';
import { formatEntry, formatMessage, formatRequest, formatResult, formatState } from './format';

/** A mistake in the script itself (unknown command, bad argument): reported with its line. */
export class ScriptError extends Error {}

/** An Env whose outbox is `sent` and whose replies and log events go to the trace. */
class NodeEnv extends FakeEnv {
  constructor(
    self: string,
    private readonly trace: (line: string) => void,
  ) {
    super(self);
  }

  override reply(req: RequestId, res: ClientResult): void {
    super.reply(req, res);
    this.trace(`client <- ${this.self} ${formatResult(res)}`);
  }

  override emit(ev: ReplicaEvent): void {
    super.emit(ev);
    // Role, leader and commit changes show in the status diff; metrics are not behaviour.
    if (ev.kind === 'log') this.trace(`${this.self} ${ev.level}: ${ev.message}`);
  }

  /** Moves the clock to the earliest timer and fires what is due: one Raft tick. */
  nextTimers(): string[] {
    let at = Number.POSITIVE_INFINITY;
    for (const t of this.timers.values()) at = Math.min(at, t.at);
    if (at === Number.POSITIVE_INFINITY) return [];
    this.time = Math.max(this.time, at);
    return this.due();
  }
}

interface Node {
  readonly id: NodeId;
  readonly env: NodeEnv;
  raft: Raft;
  up: boolean;
}

interface Outgoing {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: PeerMessage;
}

type Status = ReturnType<Raft['status']>;

interface Args {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
}

function parseArgs(words: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq > 0) options.set(w.slice(0, eq), w.slice(eq + 1));
    else positional.push(w);
  }
  return { positional, options };
}

function checkOptions(args: Args, allowed: readonly string[]): void {
  for (const k of args.options.keys()) {
    if (!allowed.includes(k)) {
      const expected = allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'no options';
      throw new ScriptError(`unknown option ${k}=: expected ${expected}`);
    }
  }
}

function count(text: string, what: string, min = 0): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ScriptError(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function flag(args: Args, name: string): boolean {
  const v = args.options.get(name);
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new ScriptError(`${name}= takes true or false, got ${JSON.stringify(v)}`);
}

/** A client's value: JSON when it parses (`1`, `"a"`, `null`), else the word as a string. */
function parseValue(word: string): Json {
  try {
    return JSON.parse(word) as Json;
  } catch {
    return word;
  }
}

const show = (v: string | number | null): string => (v === null ? 'none' : String(v));

/** The status fields that changed, as `field old->new`; applied only when it is not commit. */
function statusDiff(before: Status, after: Status): string[] {
  const changes: string[] = [];
  const fields = [
    'role',
    'term',
    'vote',
    'leader',
    'commit',
    'applied',
    'lastIndex',
    'snapshotIndex',
  ] as const;
  for (const f of fields) {
    if (before[f] === after[f]) continue;
    if (f === 'applied' && after.applied === after.commit) continue;
    changes.push(`${f} ${show(before[f])}->${show(after[f])}`);
  }
  return changes;
}

function formatStatus(s: Status): string {
  return (
    `role=${s.role} term=${s.term} vote=${show(s.vote)} leader=${show(s.leader)} ` +
    `commit=${s.commit} applied=${s.applied} lastIndex=${s.lastIndex} ` +
    `snapshotIndex=${s.snapshotIndex}`
  );
}

export class InteractionEnv {
  private readonly nodes = new Map<string, Node>();
  private config: RaftConfig | undefined;
  private electionTicks = 0;
  private heartbeatTicks = 0;
  /** One side of the partition; undefined: the network is whole. */
  private cut: ReadonlySet<string> | undefined;
  private nextWrite = 1;
  private nextRead = 1;
  private output: string[] = [];
  private indent = '';

  /** Runs one command line and returns what it printed ("ok" when nothing). */
  run(command: string, words: readonly string[]): string {
    this.output = [];
    this.indent = '';
    const args = parseArgs(words);
    try {
      this.dispatch(command, args);
    } catch (e) {
      if (e instanceof ScriptError || !(e instanceof Error)) throw e;
      // Raft refusing to go on (an invariant it checks broke) is behaviour worth showing.
      this.print(`error: ${e.message}`);
    }
    return this.output.length === 0 ? 'ok' : this.output.join('\n');
  }

  private dispatch(command: string, args: Args): void {
    const p = args.positional;
    const noOptions = () => checkOptions(args, []);
    switch (command) {
      case 'add-nodes':
        return this.addNodes(args);
      case 'tick':
        noOptions();
        if (p.length < 1 || p.length > 2) throw new ScriptError('usage: tick ID [count]');
        return this.tick(this.node(p[0]), p.length === 2 ? count(p[1], 'count', 1) : 1);
      case 'tick-election':
      case 'tick-heartbeat': {
        noOptions();
        if (p.length === 0) throw new ScriptError(`usage: ${command} ID...`);
        const n = command === 'tick-election' ? this.electionTicks : this.heartbeatTicks;
        for (const id of p) this.tick(this.node(id), n);
        return;
      }
      case 'campaign':
        noOptions();
        return this.step(this.live(this.only(p, 'campaign ID')), (r) => r.campaign());
      case 'transfer-leadership': {
        noOptions();
        if (p.length !== 2) throw new ScriptError('usage: transfer-leadership FROM TO');
        const to = this.node(p[1]).id;
        return this.step(this.live(p[0]), (r) => r.transferLeadership(to));
      }
      case 'deliver-msgs':
        checkOptions(args, ['from', 'drop']);
        return this.deliverMsgs(args);
      case 'stabilize':
        noOptions();
        if (p.length > 0) throw new ScriptError('usage: stabilize');
        return this.stabilize();
      case 'msgs':
        noOptions();
        return this.showQueued(p);
      case 'propose': {
        noOptions();
        if (p.length !== 3) throw new ScriptError('usage: propose ID KEY VALUE');
        const op: Op = { f: 'write', key: p[1], value: parseValue(p[2]) };
        return this.client(this.live(p[0]), `w${this.nextWrite++}`, op, undefined);
      }
      case 'read': {
        noOptions();
        if (p.length < 2 || p.length > 3) throw new ScriptError('usage: read ID KEY [LEVEL]');
        const op: Op = { f: 'read', key: p[1] };
        return this.client(this.live(p[0]), `r${this.nextRead++}`, op, p[2]);
      }
      case 'partition':
        noOptions();
        if (p.length === 0) throw new ScriptError('usage: partition ID... (one side of the cut)');
        this.cut = new Set(p.map((id) => this.node(id).id));
        return;
      case 'heal':
        noOptions();
        this.cut = undefined;
        return;
      case 'crash':
        noOptions();
        return this.crash(this.live(this.only(p, 'crash ID')));
      case 'restart':
        noOptions();
        return this.restart(this.node(this.only(p, 'restart ID')));
      case 'status': {
        noOptions();
        const ids = p.length > 0 ? p.map((id) => this.node(id)) : [...this.nodes.values()];
        for (const n of ids) {
          this.print(`${n.id}: ${n.up ? formatStatus(n.raft.status()) : 'down'}`);
        }
        return;
      }
      case 'reset':
        noOptions();
        if (p.length > 0) throw new ScriptError('usage: reset');
        return this.reset();
      case 'log':
        noOptions();
        return this.showLog(this.node(this.only(p, 'log ID')));
      default:
        throw new ScriptError(
          `unknown command ${JSON.stringify(command)}: expected add-nodes, tick, tick-election, ` +
            'tick-heartbeat, campaign, transfer-leadership, deliver-msgs, stabilize, msgs, ' +
            'propose, read, partition, heal, crash, restart, status, log or reset',
        );
    }
  }

  private addNodes(args: Args): void {
    if (this.config) throw new ScriptError('add-nodes: the membership is fixed once added');
    checkOptions(args, [
      'pre-vote',
      'check-quorum',
      'learners',
      'election',
      'tick-ms',
      'snapshot-every',
      'volatile-vote',
    ]);
    if (args.positional.length !== 1) throw new ScriptError('usage: add-nodes N [options]');
    const n = count(args.positional[0], 'N', 1);
    const ids = Array.from({ length: n }, (_, i) => asNodeId(String(i + 1)));
    const learnerIds = (args.options.get('learners') ?? '').split(',').filter((s) => s !== '');
    for (const id of learnerIds) {
      if (!ids.includes(asNodeId(id))) throw new ScriptError(`learner ${id} is not a node`);
    }
    const o = (name: string, fallback: number, min: number) => {
      const v = args.options.get(name);
      return v === undefined ? fallback : count(v, name, min);
    };
    // Ticks are what the scripts count: Raft's tick is heartbeatIntervalMs / 2 and its
    // election timeout electionTimeoutMs / tick, so choose both from the tick's length.
    const tickMs = o('tick-ms', 50, 1);
    this.electionTicks = o('election', 10, 3);
    this.heartbeatTicks = 2;
    this.config = {
      voters: ids.filter((id) => !learnerIds.includes(id)),
      learners: ids.filter((id) => learnerIds.includes(id)),
      regionOf: new Map(ids.map((id) => [id, 'r'])),
      electionTimeoutMs: this.electionTicks * tickMs,
      heartbeatIntervalMs: this.heartbeatTicks * tickMs,
      preVote: flag(args, 'pre-vote'),
      checkQuorum: flag(args, 'check-quorum'),
      // Each node's clock moves only when the script ticks it, so leases, a promise about
      // real time, are not what these scripts test; ReadIndex is the read path.
      reads: 'read-index',
      leaseDurationMs: (this.electionTicks - 2) * tickMs,
      ...RAFT_DEFAULTS,
      snapshotEvery: o('snapshot-every', RAFT_DEFAULTS.snapshotEvery, 1),
      ...(flag(args, 'volatile-vote') ? { unsafe: { volatileVote: true } } : {}),
    };
    for (const id of ids) {
      const env = new NodeEnv(id, (line) => this.print(line));
      const node: Node = { id, env, raft: new Raft(env, this.config), up: true };
      this.nodes.set(id, node);
      this.step(node, (r) => r.onStart());
    }
  }

  /** Forgets the cluster, so that one script can compare two configurations. */
  private reset(): void {
    this.nodes.clear();
    this.config = undefined;
    this.cut = undefined;
    this.nextWrite = 1;
    this.nextRead = 1;
  }

  // ---- driving the replicas -----------------------------------------------------------------

  /** Runs `input` against `n`'s replica, then prints what it changed in its status. */
  private step(n: Node, input: (r: Raft) => void): void {
    const before = n.raft.status();
    input(n.raft);
    const changes = statusDiff(before, n.raft.status());
    if (changes.length > 0) this.print(`${n.id}: ${changes.join(', ')}`);
  }

  private tick(n: Node, times: number): void {
    if (!n.up) throw new ScriptError(`${n.id} is down: restart it first`);
    for (let i = 0; i < times; i++) {
      this.step(n, (r) => {
        for (const tag of n.env.nextTimers()) r.onTimer(tag);
      });
    }
  }

  private crash(n: Node): void {
    n.up = false;
    // The process dies: unsynced writes are lost, and so are its timers. What it already
    // sent is on the wire and stays queued.
    n.env.storage.crash();
    n.env.timers.clear();
  }

  /** A fresh replica over the storage the crash left, as the runtime's factory makes one. */
  private restart(n: Node): void {
    if (n.up) throw new ScriptError(`${n.id} is up: crash it first`);
    n.up = true;
    n.raft = new Raft(n.env, this.cfg());
    this.step(n, (r) => r.onStart());
  }

  private client(n: Node, id: string, op: Op, level: string | undefined): void {
    const req: ClientRequest = {
      id: parseRequestId(id),
      client: parseClientId('client'),
      region: parseRegionId('r'),
      op,
      ...(level === undefined ? {} : { level }),
    };
    this.print(`client -> ${n.id} ${formatRequest(req)}`);
    this.step(n, (r) => r.onClient(req));
  }

  // ---- the network --------------------------------------------------------------------------

  /** Takes every queued message out of the outboxes, senders in id order, each in send order. */
  private takeQueued(): Outgoing[] {
    const all: Outgoing[] = [];
    for (const n of this.nodes.values()) {
      for (const { to, msg } of n.env.drain()) all.push({ from: n.id, to, msg });
    }
    return all;
  }

  private deliverMsgs(args: Args): void {
    const ids = (name: string): Set<string> | undefined => {
      const v = args.options.get(name);
      return v === undefined ? undefined : new Set(v.split(',').map((id) => this.node(id).id));
    };
    const to =
      args.positional.length > 0
        ? new Set(args.positional.map((id) => this.node(id).id))
        : undefined;
    const from = ids('from');
    const drop = ids('drop');
    const queued = this.takeQueued();
    const kept: Outgoing[] = [];
    for (const m of queued) {
      if (from && !from.has(m.from)) kept.push(m);
      else if (drop?.has(m.to)) this.print(`dropped: ${formatMessage(m.from, m.to, m.msg)}`);
      else if ((to === undefined && drop === undefined) || to?.has(m.to)) this.deliver(m);
      else kept.push(m);
    }
    // What was not chosen stays queued ahead of anything sent meanwhile (links keep order).
    for (const n of [...this.nodes.values()].reverse()) {
      n.env.sent.unshift(
        ...kept.filter((m) => m.from === n.id).map(({ to, msg }) => ({ to, msg })),
      );
    }
  }

  /** Delivers in rounds until no message is queued, as etcd's `stabilize`. */
  private stabilize(): void {
    for (let round = 0; ; round++) {
      if (round === 1000) throw new ScriptError('stabilize: still sending after 1000 rounds');
      const queued = this.takeQueued();
      if (queued.length === 0) return;
      for (const m of queued) this.deliver(m);
    }
  }

  private deliver(m: Outgoing): void {
    const line = formatMessage(m.from, m.to, m.msg);
    const receiver = this.node(m.to);
    if (this.cut && this.cut.has(m.from) !== this.cut.has(m.to)) {
      this.print(`dropped (partition): ${line}`);
      return;
    }
    if (!receiver.up) {
      this.print(`dropped (${m.to} is down): ${line}`);
      return;
    }
    this.print(line);
    this.indent = '  ';
    try {
      this.step(receiver, (r) => r.onMessage(m.from, m.msg));
    } finally {
      this.indent = '';
    }
  }

  private showQueued(ids: readonly string[]): void {
    const to = new Set(ids.map((id) => this.node(id).id));
    for (const n of this.nodes.values()) {
      for (const m of n.env.sent) {
        if (to.size === 0 || to.has(m.to)) this.print(formatMessage(n.id, m.to, m.msg));
      }
    }
  }

  // ---- inspection ---------------------------------------------------------------------------

  private showLog(n: Node): void {
    // RaftLog reads the storage as a restarted replica would; a running one keeps it tidy,
    // so reading writes nothing.
    const log = new RaftLog(n.env.storage);
    const snap = log.snapshot;
    if (snap) {
      this.print(`snapshot index=${snap.index} term=${snap.term} state=${formatState(snap.state)}`);
    }
    for (let i = log.firstIndex(); i <= log.lastIndex(); i++) {
      this.print(`${i} ${formatEntry(log.entry(i))}`);
    }
    if (!snap && log.lastIndex() === 0) this.print('empty');
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private print(line: string): void {
    this.output.push(this.indent + line);
  }

  private cfg(): RaftConfig {
    if (!this.config) throw new ScriptError('add-nodes first');
    return this.config;
  }

  private node(id: string): Node {
    const n = this.nodes.get(id);
    if (!n) {
      const known = [...this.nodes.keys()].join(', ') || 'none yet: add-nodes first';
      throw new ScriptError(`no node ${JSON.stringify(id)} (nodes: ${known})`);
    }
    return n;
  }

  private live(id: string): Node {
    const n = this.node(id);
    if (!n.up) throw new ScriptError(`${id} is down: restart it first`);
    return n;
  }

  private only(p: readonly string[], usage: string): string {
    if (p.length !== 1) throw new ScriptError(`usage: ${usage}`);
    return p[0];
  }
}
