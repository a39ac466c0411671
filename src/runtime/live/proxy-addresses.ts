import { Toxiproxy } from 'toxiproxy-node-client';
import type { NodeId } from '../../core/ids';
import { dialAddress, proxyName } from '../../proxy/links';

/**
 * Where a replica dials each peer: the listen address of its fabric proxy `<self>__<peer>`,
 * read from Toxiproxy by name (through toxiproxy-node-client, like everything that talks to
 * it). The orchestrator creates the proxies only once every replica listens, so the replica
 * asks again until all are there.
 */
export class ProxyAddresses {
  private readonly known = new Map<NodeId, { host: string; port: number }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly self: NodeId,
    private readonly peers: readonly NodeId[],
    private readonly log: (message: string) => void,
  ) {}

  get(peer: NodeId): { host: string; port: number } | undefined {
    return this.known.get(peer);
  }

  /** Look the proxies up now and every `everyMs` until all are known. */
  start(everyMs = 200): void {
    const poll = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        const proxies = await new Toxiproxy(this.url).getAll();
        for (const peer of this.peers) {
          const p = proxies[proxyName(this.self, peer)];
          if (p) this.known.set(peer, dialAddress(p.listen));
        }
      } catch (err) {
        this.log(`cannot reach Toxiproxy at ${this.url}: ${(err as Error).message}`);
      }
      if (this.known.size < this.peers.length && !this.stopped)
        this.timer = setTimeout(() => void poll(), everyMs);
    };
    void poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
