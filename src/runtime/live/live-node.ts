import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Env, Replica } from '../../core/env';
import type { ReplicaEvent } from '../../core/events';
import {
  asTimerId,
  type ClientId,
  type NodeId,
  type RequestId,
  type TimerId,
} from '../../core/ids';
import {
  decodeClientFrame,
  encodeReplicaFrame,
  errorFrame,
  pongFrame,
  resultFrame,
} from '../../core/messages/client-frame';
import { info, type ClientRequest, type ClientResult } from '../../core/messages/client';
import { decodeEnvelope, encodeEnvelope, envelope } from '../../core/messages/envelope';
import { closeCode, DEFAULT_MAX_FRAME_BYTES } from '../../core/messages/frame';
import { withRttProbe, type RttProbe } from '../../core/rtt/rtt-probe';
import { GroupCommit } from './group-commit';
import type { DurableStorage } from '../../core/storage/durable-storage';
import type { Topology } from '../../topology';
import type { ReplicaMaker } from '../modes';
import { parseHttpCall, parseUrl, readBody, sendJson, statusOf } from './http-api';
import { PeerLinks } from './peer-links';

/**
 * One replica as a live process: its `Env` over real timers, a real clock, durable storage
 * and WebSockets. Peers dial in on `/peer` (through their fabric proxies); clients on
 * `/client` (WebSocket frames) or the HTTP API. Every inbound frame is checked before the
 * replica sees it; a bad one is answered (clients) or closes its connection with a reason
 * (peers), and the node keeps serving. A replica handler that throws is a bug in the mode: it
 * is logged, and the node goes on with the next event rather than take the cluster down.
 */
export interface LiveNodeOptions {
  readonly topology: Topology;
  readonly node: NodeId;
  readonly storage: DurableStorage;
  readonly replica: ReplicaMaker;
  /** The fabric's address for this node's link to `peer`, once the proxies exist. */
  readonly peerAddress: (peer: NodeId) => { host: string; port: number } | undefined;
  readonly host: string;
  readonly port: number;
  readonly log: (message: string) => void;
  readonly onEvent?: (ev: ReplicaEvent) => void;
  /** Called once every peer link has opened. */
  readonly onLinked?: () => void;
}

type Waiter =
  | { readonly kind: 'ws'; readonly socket: WebSocket }
  | { readonly kind: 'http'; readonly res: ServerResponse; readonly timer: NodeJS.Timeout };

export class LiveNode {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly links: PeerLinks;
  private readonly replica: Replica;
  private readonly probe: RttProbe;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private readonly waiting = new Map<RequestId, Waiter>();
  private readonly peers: ReadonlySet<NodeId>;
  private readonly region: string;
  private nextTimer = 1;
  private nextHttp = 1;
  /**
   * HTTP requests get ids from this process: a boot token keeps them from repeating after a
   * restart, where a deduplicating replica would answer a new request with an old outcome.
   */
  private readonly boot = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  private clockSkewMs = 0;
  private role = 'starting';
  private leader: string | null = null;
  private rejectedFrames = 0;
  private closed = false;
  /** One fsync per event-loop turn; outputs after a sync wait for it (group-commit.ts). */
  private readonly commit = new GroupCommit(
    () => this.syncNow(),
    (flush) => setImmediate(flush),
  );

  constructor(private readonly options: LiveNodeOptions) {
    const { topology, node } = options;
    const me = topology.nodes.find((n) => n.id === node);
    if (!me) throw new RangeError(`node ${node} is not in the topology`);
    this.region = me.region;
    const members = topology.nodes.map((n) => n.id as NodeId);
    this.peers = new Set(members.filter((id) => id !== node));
    this.links = new PeerLinks({
      self: node,
      peers: [...this.peers],
      addressOf: options.peerAddress,
      log: options.log,
      onAllOpen: options.onLinked,
    });
    const env = this.env();
    const wrapped = withRttProbe(options.replica(env, node), env, { peers: members });
    this.replica = wrapped.replica;
    this.probe = wrapped.probe;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: DEFAULT_MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
    this.http = createServer((req, res) => {
      this.onHttp(req, res).catch((err: unknown) => {
        this.options.log(`bug: HTTP handler threw: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
    });
    this.http.on('upgrade', (req, socket, head) => {
      const path = parseUrl(req.url ?? '/')?.pathname;
      if (path !== '/peer' && path !== '/client') {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        path === '/peer' ? this.onPeer(ws) : this.onClientSocket(ws),
      );
    });
  }

  /** Listen, start the replica, dial the peers. Resolves with the port listened on. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.guard('onStart', () => this.replica.onStart());
    this.links.start();
    return (this.http.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.links.close();
    for (const ws of this.wss.clients) ws.terminate();
    for (const w of this.waiting.values()) if (w.kind === 'http') clearTimeout(w.timer);
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** What GET /status shows. */
  status(): Record<string, unknown> {
    return {
      node: this.options.node,
      region: this.region,
      mode: this.options.topology.replication.mode,
      role: this.role,
      leader: this.leader,
      clock: this.now(),
      links: this.links.status(),
      rtt: this.probe.report().peers,
      waiting: this.waiting.size,
      rejectedFrames: this.rejectedFrames,
    };
  }

  /** Step this node's clock (a clock-skew fault): now() reads `ms` ahead of the host's. */
  skewClock(ms: number): void {
    this.clockSkewMs += ms;
  }

  private now(): number {
    return Date.now() + this.clockSkewMs;
  }

  private env(): Env {
    const { node, storage } = this.options;
    return {
      self: node,
      now: () => this.now(),
      send: (to, msg) =>
        this.commit.output(() => {
          if (!this.closed) this.links.send(to, encodeEnvelope(envelope(node, to, msg)));
        }),
      setTimer: (afterMs, tag) => {
        const id = asTimerId(this.nextTimer++);
        if (this.closed) return id;
        this.timers.set(
          id,
          setTimeout(
            () => {
              if (!this.timers.delete(id)) return;
              this.guard(`onTimer(${tag})`, () => this.replica.onTimer(tag));
            },
            Math.max(0, afterMs),
          ),
        );
        return id;
      },
      cancelTimer: (id) => {
        const t = this.timers.get(id);
        if (t) clearTimeout(t);
        this.timers.delete(id);
      },
      reply: (id, result) => this.commit.output(() => this.reply(id, result)),
      storage: this.durable(storage),
      random: Math.random,
      emit: (ev) => this.onEvent(ev),
    };
  }

  /**
   * The storage as the mode sees it: `sync()` asks for the turn's group commit (the outputs
   * after it wait for the fsync), and an I/O failure stops the process (fail-stop, as etcd).
   */
  private durable(storage: DurableStorage): DurableStorage {
    const commit = this.commit;
    return new Proxy(storage, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== 'sync' || typeof value !== 'function') return value;
        return () => commit.requestSync();
      },
    });
  }

  /** The group commit's one real sync. */
  private syncNow(): void {
    if (this.closed) return;
    try {
      this.options.storage.sync();
    } catch (err) {
      this.options.log(`storage failed, stopping: ${(err as Error).message}`);
      process.exit(74); // EX_IOERR: a replica that cannot keep its promises must not go on
    }
  }

  private onEvent(ev: ReplicaEvent): void {
    if (ev.kind === 'role') this.role = ev.role;
    if (ev.kind === 'leader') this.leader = ev.leader;
    if (ev.kind === 'log' && (ev.level === 'warn' || ev.level === 'error'))
      this.options.log(ev.message);
    this.options.onEvent?.(ev);
  }

  /** Run a replica handler; a throw is a mode bug, logged, never fatal to the node. */
  private guard(what: string, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.options.log(`bug: ${what} threw: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private onPeer(ws: WebSocket): void {
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const decoded = decodeEnvelope(isBinary ? toBuffer(data) : toBuffer(data).toString('utf8'), {
        self: this.options.node,
        peers: this.peers,
      });
      if (!decoded.ok) {
        this.rejectedFrames++;
        this.options.log(`peer frame rejected (${decoded.error.code}): ${decoded.error.message}`);
        ws.close(closeCode(decoded.error.code), decoded.error.message.slice(0, 120));
        return;
      }
      const e = decoded.value;
      this.guard(`onMessage(${e.type})`, () =>
        this.replica.onMessage(e.from, { type: e.type, body: e.body }),
      );
    });
  }

  private onClientSocket(ws: WebSocket): void {
    ws.on('error', () => undefined);
    ws.on('close', () => {
      for (const [id, w] of this.waiting)
        if (w.kind === 'ws' && w.socket === ws) this.waiting.delete(id);
    });
    ws.on('message', (data: RawData) => {
      const decoded = decodeClientFrame(toBuffer(data));
      if (!decoded.ok) {
        this.rejectedFrames++;
        this.options.log(`client frame rejected (${decoded.error.code}): ${decoded.error.message}`);
        ws.send(encodeReplicaFrame(errorFrame(decoded.error, decoded.id)));
        return;
      }
      const frame = decoded.value;
      if (frame.kind === 'ping') {
        ws.send(encodeReplicaFrame(pongFrame(this.probe.report())));
        return;
      }
      this.submit(frame.request, { kind: 'ws', socket: ws });
    });
  }

  private submit(request: ClientRequest, waiter: Waiter): void {
    // A retry of a request still in progress goes to the replica again (modes deduplicate by
    // id; a forward lost to a partition gets re-sent), and the answer goes to the latest asker.
    const earlier = this.waiting.get(request.id);
    if (earlier?.kind === 'http') {
      clearTimeout(earlier.timer);
      sendJson(earlier.res, 504, info(request.id, 'indeterminate', 'superseded by a retry'));
    }
    this.waiting.set(request.id, waiter);
    this.guard('onClient', () => this.replica.onClient(request));
  }

  private reply(id: RequestId, result: ClientResult): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (waiter.kind === 'ws') {
      if (waiter.socket.readyState === waiter.socket.OPEN)
        waiter.socket.send(encodeReplicaFrame(resultFrame(result)));
      return;
    }
    clearTimeout(waiter.timer);
    sendJson(waiter.res, statusOf(result), result);
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'GET' ? '' : await readBody(req);
    if (body === undefined) {
      sendJson(res, 413, { error: 'request body larger than 1 MiB' });
      return;
    }
    const call = parseHttpCall(req.method ?? 'GET', req.url ?? '/', body);
    if (call.kind === 'error') {
      sendJson(res, call.status, { error: call.message });
      return;
    }
    if (call.kind === 'status') {
      sendJson(res, 200, this.status());
      return;
    }
    const id = `http:${this.options.node}:${this.boot}:${this.nextHttp++}` as RequestId;
    const region = (headerValue(req, 'x-geolab-region') ?? this.region) as ClientRequest['region'];
    const request: ClientRequest = {
      id,
      client: 'http' as ClientId,
      region,
      op: call.op,
      ...(call.level === undefined ? {} : { level: call.level }),
    };
    const timer = setTimeout(() => {
      if (this.waiting.get(id)?.kind !== 'http') return;
      this.waiting.delete(id);
      sendJson(res, 504, info(id, 'timeout', 'no answer within the client timeout'));
    }, this.options.topology.clientTimeoutMs);
    this.submit(request, { kind: 'http', res, timer });
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) ? v : undefined;
}
