import { mkdirSync } from 'node:fs';
import type { ReplicaEvent } from '../../core/events';
import type { NodeId } from '../../core/ids';
import type { Topology } from '../../topology';
import { replicaMaker } from '../modes';
import { onBoundedLines } from './bounded-lines';
import { EventBatcher } from './event-batcher';
import { FileStorage } from './file-storage';
import { LiveNode } from './live-node';
import { ProxyAddresses } from './proxy-addresses';

/**
 * `geolab node`: one replica as one OS process. It reports to its orchestrator as JSON lines
 * on stdout — `listening` (with its port and pid), `linked` (every peer link open), then the
 * replica's events (REPORTED) — and it stops when told (SIGINT, SIGTERM) or when its
 * stdin closes, which is how a child learns that its orchestrator died: no orphans. The
 * orchestrator's end of stdin is also its control channel: a JSON line
 * `{"kind":"skew-clock","ms":N}` steps this replica's clock (only its parent holds that pipe).
 */
/**
 * The replica events passed on to the orchestrator: its leadership watch, dashboard and
 * metrics use these. Logs go to stderr (warnings and errors), and forwards stay here.
 */
const REPORTED: ReadonlySet<ReplicaEvent['kind']> = new Set([
  'role',
  'leader',
  'commit',
  'conflict',
  'metric',
] as const);

/** How often coalesced commit and metric events go to the orchestrator (event-batcher.ts). */
const EVENT_FLUSH_MS = 250;
/** The orchestrator's control lines (`{"kind":"skew-clock","ms":N}`) are tens of bytes. */
export const MAX_CONTROL_LINE_BYTES = 64 * 1024;

export interface NodeProcessOptions {
  readonly topology: Topology;
  readonly node: NodeId;
  readonly toxiproxyUrl: string;
  readonly dataDir: string;
  /** Stop when stdin ends (set by the orchestrator, which holds the other end). */
  readonly exitWithStdin: boolean;
}

export async function runNodeProcess(options: NodeProcessOptions): Promise<void> {
  const { topology, node } = options;
  const me = topology.nodes.find((n) => n.id === node);
  if (!me) throw new RangeError(`node ${node} is not in ${topology.file}`);
  const say = (line: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ ...line, node })}\n`);
  const log = (message: string) => process.stderr.write(`[${node}] ${message}\n`);

  const events = new EventBatcher((event) => say({ kind: 'event', event }));
  setInterval(() => events.flush(), EVENT_FLUSH_MS).unref();
  mkdirSync(options.dataDir, { recursive: true });
  const storage = FileStorage.open(options.dataDir);
  const peers = topology.nodes.map((n) => n.id as NodeId).filter((id) => id !== node);
  const addresses = new ProxyAddresses(options.toxiproxyUrl, node, peers, log);
  const live = new LiveNode({
    topology,
    node,
    storage,
    replica: replicaMaker(topology),
    peerAddress: (peer) => addresses.get(peer),
    host: me.host,
    port: me.port,
    log,
    onLinked: () => say({ kind: 'linked' }),
    onEvent: (ev) => {
      if (REPORTED.has(ev.kind)) events.add(ev);
    },
  });
  const port = await live.start();
  addresses.start();
  say({ kind: 'listening', port, pid: process.pid });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    addresses.stop();
    await live.close();
    storage.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (options.exitWithStdin) {
    process.stdin.on('end', () => void stop());
    process.stdin.on('error', () => void stop());
    onBoundedLines(
      process.stdin,
      MAX_CONTROL_LINE_BYTES,
      (line) => {
        let msg: { kind?: unknown; ms?: unknown };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          log(`ignored a control line that is not JSON: ${line.slice(0, 80)}`);
          return;
        }
        if (msg.kind === 'skew-clock' && typeof msg.ms === 'number' && Number.isFinite(msg.ms)) {
          live.skewClock(msg.ms);
          say({ kind: 'clock-skewed', ms: msg.ms });
        } else {
          log(`ignored an unknown control message: ${line.slice(0, 80)}`);
        }
      },
      (bytes) =>
        log(`ignored a control line of ${bytes} bytes (the limit is ${MAX_CONTROL_LINE_BYTES})`),
    );
    process.stdin.resume();
  }
}
