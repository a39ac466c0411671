import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { ClientId, RegionId, RequestId } from '../../core/ids';
import type { Json } from '../../core/json';
import {
  fail,
  info,
  type ClientRequest,
  type ClientResult,
  type Op,
} from '../../core/messages/client';
import {
  decodeReplicaFrame,
  encodeClientFrame,
  requestFrame,
} from '../../core/messages/client-frame';
import { DEFAULT_MAX_FRAME_BYTES } from '../../core/messages/frame';
import { Rng } from '../../core/random';
import type { Topology, Workload } from '../../topology';
import { OpGenerator } from '../../workload/generator';
import { keyWindowPrefix } from '../../workload/key-windows';
import type { HistoryOp, Value } from '../../workload/history/op';

/**
 * Clients of every region driving a live cluster through its client proxies, over the same
 * WebSocket frames as any program: the live counterpart of the simulator's driveWorkload,
 * with the same generator, loops and history. Each client process runs one op at a time;
 * an op without an answer within the topology's client timeout is `info`, an error frame
 * naming the request (never decoded, so never applied) is `fail`, and a connection that
 * drops with ops outstanding completes them as `info`.
 */
export interface LiveWorkloadOptions {
  readonly topology: Topology;
  /** Where the clients of `region` reach `node` (the cluster's client proxies). */
  readonly clientAddress: (region: string, node: string) => { host: string; port: number };
  readonly durationMs: number;
  readonly workload?: Partial<Workload>;
  readonly seed?: number | string;
  /**
   * Put before every key (`k3` becomes `<prefix>k3`). Runs against one cluster with distinct
   * prefixes each start from empty registers, so each history can be checked alone: without
   * one, a later run reads what an earlier one wrote, a value its own history never wrote.
   */
  readonly keyPrefix?: string;
  /** The run's time origin (performance.now ms): history times count from it. Default: now. */
  readonly origin?: number;
  /** Called with every history record as it is appended (progress bars, live charts). */
  readonly onRecord?: (op: HistoryOp) => void;
  /**
   * Start a fresh key space every this many ms (`k3` in the fourth window is `w3:k3`), as
   * Jepsen's independent keys do: each key's history then ends with its window, so a long run
   * can be checked one bounded window at a time. Default: never.
   */
  readonly keyWindowMs?: number;
  /** Keep the history and return it (default); false for long runs that stream `onRecord`. */
  readonly retain?: boolean;
}

const CONNECT_TIMEOUT_MS = 2000;
const MAX_BACKOFF_MS = 1000;

/**
 * One client's WebSocket to its replica, redialled with back-off when it drops. A request
 * sent while it is down was never sent: `fail`, definitely not applied, and it starts a
 * redial in the background if none is under way. Before each op a closed loop waits until
 * the link is up again (or the run ends), so a dead replica slows a client down, as it would
 * a real one, instead of spinning it; an open loop keeps its schedule, and its ops fail
 * until the redial succeeds.
 */
class ClientLink {
  private socket: WebSocket | undefined;
  private readonly waiting = new Map<RequestId, (r: ClientResult) => void>();
  private backoffMs = 50;
  /** The redial under way, shared by everyone waiting for it. */
  private connecting: Promise<boolean> | undefined;

  /** `deadline`: performance.now ms after which it stops redialling (the end of the run). */
  constructor(
    private readonly at: { host: string; port: number },
    private readonly deadline: number,
  ) {}

  /** Resolves true once connected, false if the deadline passes first. */
  ready(): Promise<boolean> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(true);
    this.connecting ??= this.connect(this.deadline).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(deadline: number): Promise<boolean> {
    while (this.socket?.readyState !== WebSocket.OPEN) {
      if (performance.now() >= deadline) return false;
      if (await this.dial()) break;
      await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    }
    this.backoffMs = 50;
    return true;
  }

  send(request: ClientRequest, timeoutMs: number): Promise<ClientResult> {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) {
      // Regression: an open loop never redialled, so after its replica was killed and
      // restarted a client failed every op to the end of a 30-minute soak.
      void this.ready();
      return Promise.resolve(fail(request.id, 'unavailable', 'not connected: never sent'));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(info(request.id, 'timeout')), timeoutMs);
      const finish = (result: ClientResult) => {
        if (!this.waiting.delete(request.id)) return;
        clearTimeout(timer);
        resolve(result);
      };
      this.waiting.set(request.id, finish);
      socket.send(encodeClientFrame(requestFrame(request)));
    });
  }

  close(): void {
    this.socket?.close();
  }

  private async dial(): Promise<boolean> {
    const socket = new WebSocket(`ws://${this.at.host}:${this.at.port}/client`, {
      // A frame decodeReplicaFrame would refuse anyway is not buffered first (ws: 100 MiB).
      maxPayload: DEFAULT_MAX_FRAME_BYTES + 1024,
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    });
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      const decoded = decodeReplicaFrame(data);
      if (!decoded.ok) return;
      const frame = decoded.value;
      if (frame.kind === 'result') this.waiting.get(frame.result.id)?.(frame.result);
      // An error frame naming a request: the replica never decoded it, so never applied it.
      if (frame.kind === 'error' && frame.id !== undefined) {
        this.waiting.get(frame.id)?.(fail(frame.id, 'invalid-request', frame.message));
      }
    });
    socket.on('close', () => {
      for (const [id, done] of this.waiting) done(info(id, 'connection-lost'));
    });
    const opened = await Promise.race([
      once(socket, 'open').then(() => true),
      once(socket, 'close').then(() => false),
    ]).catch(() => false);
    if (opened) this.socket = socket;
    else socket.terminate();
    return opened;
  }
}

export async function runLiveWorkload(options: LiveWorkloadOptions): Promise<HistoryOp[]> {
  const { topology } = options;
  const workload: Workload = { ...topology.workload, ...options.workload };
  const generator = new OpGenerator(workload);
  const prefix = options.keyPrefix ?? '';
  const windowMs = options.keyWindowMs;
  const nextOp = (stream: Rng): Op => {
    const op = generator.next(stream);
    const window = windowMs === undefined ? '' : keyWindowPrefix(Math.floor(now() / windowMs));
    return prefix === '' && window === '' ? op : { ...op, key: `${prefix}${window}${op.key}` };
  };
  const rng = new Rng(options.seed ?? 1);
  const history: HistoryOp[] = [];
  const retain = options.retain ?? true;
  const started = options.origin ?? performance.now();
  const now = () => Math.round((performance.now() - started) * 1000) / 1000;
  const end = options.durationMs;
  const append = (op: HistoryOp): void => {
    if (retain) history.push(op);
    options.onRecord?.(op);
  };
  let nextProcess = 0;
  let nextClient = 0;
  // Request ids must never repeat across runs: a replica that deduplicates by id (and keeps
  // the ids across restarts) would answer a new request with an old outcome.
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const links: ClientLink[] = [];
  const loops: Promise<void>[] = [];

  for (const region of topology.regions) {
    if (region.clients === 0) continue;
    const local = region.nodes.length > 0 ? region.nodes : [topology.nodes[0].id];
    for (let c = 0; c < region.clients; c++) {
      const clientNumber = nextClient++;
      const clientId = `${run}-c${clientNumber}` as ClientId;
      const node = local[clientNumber % local.length];
      const link = new ClientLink(options.clientAddress(region.name, node), started + end);
      links.push(link);
      await link.ready();
      const stream = rng.fork(`client:${region.name}:${clientNumber}`);
      let seq = 0;
      const invoke = (process: number, op: Op): Promise<ClientResult> => {
        const request: ClientRequest = {
          id: `${clientId}:${++seq}` as RequestId,
          client: clientId,
          region: region.name as RegionId,
          op,
          ...(workload.levels?.[op.f] === undefined ? {} : { level: workload.levels[op.f] }),
        };
        record(append, process, 'invoke', op, null, now(), region.name);
        return link.send(request, topology.clientTimeoutMs);
      };
      const complete = (process: number, op: Op, result: ClientResult): number => {
        record(
          append,
          process,
          result.type,
          op,
          result.type === 'ok' ? okValue(op, result.value) : null,
          now(),
          region.name,
          result.type === 'ok' ? undefined : result.error,
        );
        // A process whose op ended unknown may still have it in flight: a fresh number keeps
        // every process's history sequential, as Jepsen does.
        return result.type === 'info' ? nextProcess++ : process;
      };
      if (workload.rate === undefined) {
        for (let p = 0; p < workload.concurrency; p++) {
          loops.push(
            (async () => {
              let process = nextProcess++;
              while (now() < end) {
                if (!(await link.ready())) break;
                const op = nextOp(stream);
                process = complete(process, op, await invoke(process, op));
              }
            })(),
          );
        }
      } else {
        loops.push(
          openLoop(
            workload.rate,
            end,
            now,
            stream,
            () => nextProcess++,
            async (process) => {
              const op = nextOp(stream);
              return complete(process, op, await invoke(process, op));
            },
          ),
        );
      }
    }
  }
  await Promise.all(loops);
  for (const link of links) link.close();
  // Records were appended in completion order of the event loop, which is time order.
  return history;
}

/**
 * Every region reads every key once, one read at a time, through one client of the region
 * (its first replica): Jepsen's final reads, after the faults are healed, so that lost writes
 * and convergence can be judged. Processes are numbered from `firstProcess`.
 */
export async function readEveryKey(options: {
  readonly topology: Topology;
  readonly clientAddress: (region: string, node: string) => { host: string; port: number };
  readonly keys: readonly string[];
  readonly origin: number;
  readonly firstProcess: number;
  readonly onRecord?: (op: HistoryOp) => void;
}): Promise<HistoryOp[]> {
  const { topology } = options;
  const history: HistoryOp[] = [];
  const append = (op: HistoryOp): void => {
    history.push(op);
    options.onRecord?.(op);
  };
  const now = () => Math.round((performance.now() - options.origin) * 1000) / 1000;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let nextProcess = options.firstProcess;
  await Promise.all(
    topology.regions.map(async (region) => {
      const node = region.nodes[0] ?? topology.nodes[0].id;
      const deadline = performance.now() + topology.clientTimeoutMs;
      const link = new ClientLink(options.clientAddress(region.name, node), deadline);
      let process = nextProcess++;
      let seq = 0;
      if (await link.ready()) {
        for (const key of options.keys) {
          const op: Op = { f: 'read', key };
          record(append, process, 'invoke', op, null, now(), region.name);
          const result = await link.send(
            {
              id: `${run}-final-${region.name}:${++seq}` as RequestId,
              client: `${run}-final-${region.name}` as ClientId,
              region: region.name as RegionId,
              op,
            },
            topology.clientTimeoutMs,
          );
          const value = result.type === 'ok' ? okValue(op, result.value) : null;
          const error = result.type === 'ok' ? undefined : result.error;
          record(append, process, result.type, op, value, now(), region.name, error);
          if (result.type === 'info') process = nextProcess++;
        }
      }
      link.close();
    }),
  );
  return history;
}

/**
 * Poisson arrivals at `rate` per second, each on an idle process or a new one. Only the ops
 * in flight are tracked: keeping every op's promise to the end held the orchestrator's
 * memory growing by about 110 MB every 15 minutes at 1,000 ops/s (the soak). Exported for
 * its test (test/runtime/live/open-loop.test.ts).
 */
export async function openLoop(
  rate: number,
  end: number,
  now: () => number,
  rng: Rng,
  newProcess: () => number,
  run: (process: number) => Promise<number>,
): Promise<void> {
  const idle: number[] = [];
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let drained: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (drained = resolve));
  let scheduling = true;
  const settle = (): void => {
    if (--inFlight === 0 && !scheduling) drained();
  };
  let due = now();
  while (true) {
    due += (-1000 / rate) * Math.log(1 - rng.next());
    if (due >= end) break;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const process = idle.pop() ?? newProcess();
    inFlight++;
    run(process).then(
      (next) => {
        idle.push(next);
        settle();
      },
      (error: unknown) => {
        failure ??= { error };
        settle();
      },
    );
  }
  scheduling = false;
  if (inFlight > 0) await allDone;
  if (failure !== undefined) throw failure.error;
}

function record(
  append: (op: HistoryOp) => void,
  process: number,
  type: HistoryOp['type'],
  op: Op,
  okRead: Value,
  time: number,
  region: string,
  error?: string,
): void {
  const value: Value = type === 'ok' ? okRead : op.f === 'read' ? null : (op.value as Value);
  append({
    process,
    type,
    f: op.f,
    key: op.key,
    value,
    time,
    region,
    ...(error === undefined ? {} : { error }),
  });
}

function okValue(op: Op, returned: Json): Value {
  return op.f === 'read' ? (returned as Value) : (op.value as Value);
}
