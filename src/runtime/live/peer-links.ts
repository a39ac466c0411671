import { WebSocket } from 'ws';
import type { NodeId } from '../../core/ids';
import { DEFAULT_MAX_FRAME_BYTES } from '../../core/messages/frame';

/**
 * A replica's outgoing links: one WebSocket per peer, dialled through that peer's fabric
 * proxy (`<self>__<peer>`), so every byte crosses Toxiproxy (DESIGN §3). A link that drops is
 * redialled with capped, jittered back-off; while it is down, messages to that peer are lost,
 * which `Env.send`'s contract allows (fire-and-forget) and the modes must survive anyway.
 */
export interface PeerLinksOptions {
  readonly self: NodeId;
  /** Where to dial each peer (the proxy's listen address), once known. */
  readonly addressOf: (peer: NodeId) => { host: string; port: number } | undefined;
  readonly peers: readonly NodeId[];
  readonly log: (message: string) => void;
  /** Called once, the first time every link is open. */
  readonly onAllOpen?: () => void;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;

interface Link {
  socket: WebSocket | undefined;
  open: boolean;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  dropped: number;
}

export class PeerLinks {
  private readonly links = new Map<NodeId, Link>();
  private closed = false;
  private everAllOpen = false;

  constructor(private readonly options: PeerLinksOptions) {
    for (const peer of options.peers) {
      if (peer === options.self) continue;
      this.links.set(peer, {
        socket: undefined,
        open: false,
        backoffMs: MIN_BACKOFF_MS,
        timer: undefined,
        dropped: 0,
      });
    }
  }

  start(): void {
    for (const peer of this.links.keys()) this.dial(peer);
    // A replica alone in its topology has every link it will ever have: it is linked once it
    // listens (the turn after, so it reports listening first). Without this `geolab up` on a
    // one-replica topology waited for a link forever and gave up after 30 s.
    if (this.links.size === 0) setImmediate(() => this.closed || this.checkAllOpen());
  }

  /** Send a frame to a peer; returns false (and counts it) when the link is down. */
  send(peer: NodeId, frame: string): boolean {
    const link = this.links.get(peer);
    if (!link?.open || !link.socket) {
      if (link) link.dropped++;
      return false;
    }
    link.socket.send(frame);
    return true;
  }

  /** Per peer: whether the link is open, and how many messages were lost while it was not. */
  status(): Record<string, { open: boolean; dropped: number }> {
    const out: Record<string, { open: boolean; dropped: number }> = {};
    for (const [peer, link] of this.links) out[peer] = { open: link.open, dropped: link.dropped };
    return out;
  }

  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.timer) clearTimeout(link.timer);
      link.socket?.terminate();
    }
  }

  private dial(peer: NodeId): void {
    if (this.closed) return;
    const link = this.links.get(peer);
    if (!link) return;
    const at = this.options.addressOf(peer);
    if (!at) {
      this.retry(peer, link);
      return;
    }
    const socket = new WebSocket(`ws://${at.host}:${at.port}/peer`, {
      maxPayload: DEFAULT_MAX_FRAME_BYTES + 1024,
      perMessageDeflate: false,
      headers: { 'x-geolab-node': this.options.self },
    });
    link.socket = socket;
    socket.on('open', () => {
      link.open = true;
      link.backoffMs = MIN_BACKOFF_MS;
      this.checkAllOpen();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      link.open = false;
      link.socket = undefined;
      this.retry(peer, link);
    });
    // Peers answer on their own links; anything arriving on this one is ignored.
    socket.on('message', () => undefined);
  }

  private retry(peer: NodeId, link: Link): void {
    if (this.closed) return;
    const wait = link.backoffMs * (0.5 + Math.random());
    link.backoffMs = Math.min(MAX_BACKOFF_MS, link.backoffMs * 2);
    link.timer = setTimeout(() => this.dial(peer), wait);
  }

  private checkAllOpen(): void {
    if (this.everAllOpen) return;
    for (const link of this.links.values()) if (!link.open) return;
    this.everAllOpen = true;
    this.options.onAllOpen?.();
  }
}
