/**
 * Measured RTTs to every peer, so dashboards and reports can put measured latency next to the
 * configured one (issue 4). `RttProbe` is the embeddable part: a mode (or the wrapper below)
 * feeds it pings, pongs and timer ticks through its Env. `withRttProbe` wraps any Replica so
 * that no mode has to: it answers pings, pings every peer on a timer, and passes everything
 * else through untouched. Runtimes ask `probe.report()` when a client or dashboard pings the
 * replica.
 */
import type { Env, Replica } from '../env';
import type { NodeId } from '../ids';
import type { PeerMessage } from '../messages/envelope';
import { PING, PONG, ping, pong, readPingBody } from './ping';
import { observeRtt, type RttStats } from './rtt-stats';

export const RTT_TIMER = 'geolab.rtt';
/** Once a second: enough to chart, negligible next to a workload's traffic. */
export const DEFAULT_PING_INTERVAL_MS = 1000;

export type PeerRtt = {
  /** Pings sent to this peer, and pongs received from it: the difference is loss or delay. */
  readonly sent: number;
  readonly received: number;
  /** Undefined until the first pong. */
  readonly rtt?: RttStats;
};

export type RttReport = {
  readonly node: NodeId;
  /** Local time of the report. */
  readonly at: number;
  readonly peers: Readonly<Record<NodeId, PeerRtt>>;
};

export class RttProbe {
  private seq = 0;
  private readonly stats = new Map<NodeId, PeerRtt>();

  constructor(
    private readonly env: Env,
    private readonly peers: readonly NodeId[],
  ) {
    for (const p of peers) if (p !== env.self) this.stats.set(p, { sent: 0, received: 0 });
  }

  /** Sends one ping to every peer. */
  pingAll(): void {
    this.seq++;
    const msg = ping(this.seq, this.env.now());
    for (const [peer, s] of this.stats) {
      this.stats.set(peer, { ...s, sent: s.sent + 1 });
      this.env.send(peer, msg);
    }
  }

  /** Handles a ping or pong and returns true; returns false for any other message. */
  handle(from: NodeId, msg: PeerMessage): boolean {
    if (msg.type !== PING && msg.type !== PONG) return false;
    const body = readPingBody(msg.body);
    if (body === undefined) return true;
    if (msg.type === PING) {
      this.env.send(from, pong(body));
      return true;
    }
    const s = this.stats.get(from);
    const now = this.env.now();
    // A pong must echo one of our pings: from a peer, for a seq we sent, from our past.
    if (s === undefined || body.seq > this.seq || body.sentAt > now) return true;
    this.stats.set(from, {
      ...s,
      received: s.received + 1,
      rtt: observeRtt(s.rtt, now - body.sentAt, now),
    });
    return true;
  }

  report(): RttReport {
    const peers: Record<string, PeerRtt> = {};
    for (const p of [...this.stats.keys()].sort()) peers[p] = this.stats.get(p) as PeerRtt;
    return { node: this.env.self, at: this.env.now(), peers };
  }
}

export interface RttProbeOptions {
  /** Every member of the cluster; self is skipped. */
  readonly peers: readonly NodeId[];
  readonly intervalMs?: number;
}

/** A Replica that answers and sends pings around `inner`, plus the probe to read from. */
export function withRttProbe(
  inner: Replica,
  env: Env,
  options: RttProbeOptions,
): { replica: Replica; probe: RttProbe } {
  const probe = new RttProbe(env, options.peers);
  const interval = options.intervalMs ?? DEFAULT_PING_INTERVAL_MS;
  const replica: Replica = {
    onStart() {
      env.setTimer(interval, RTT_TIMER);
      inner.onStart();
    },
    onMessage(from, msg) {
      if (!probe.handle(from, msg)) inner.onMessage(from, msg);
    },
    onClient(req) {
      inner.onClient(req);
    },
    onTimer(tag) {
      if (tag !== RTT_TIMER) return inner.onTimer(tag);
      probe.pingAll();
      env.setTimer(interval, RTT_TIMER);
    },
  };
  return { replica, probe };
}
