import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import type { NodeId } from '../../core/ids';
import { dialAddress, proxyName } from '../../proxy/links';

/**
 * Where a replica dials each peer: the listen address of its fabric proxy `<self>__<peer>`,
 * read from Toxiproxy by name (through toxiproxy-node-client, like everything that talks to
 * it). The orchestrator creates the proxies only once every replica listens, so the replica
 * asks again until all are there.
 *
 * It asks for its own proxies one by name (`GET /proxies/{name}`), stopping at the first
 * that is not there yet, never for the whole list (`GET /proxies`): the list holds every
 * proxy of the fabric, n² of them for n replicas, and n replicas polling it while the
 * fabric is being built made the Toxiproxy serialise n³ proxies a round (27 replicas: some
 * 100 KB per poll, 135 polls a second), which tripled the time to build the fabric
 * (docs/reliability/scale.md).
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
    const toxiproxy = new Toxiproxy(this.url);
    const poll = async (): Promise<void> => {
      for (const peer of this.peers) {
        if (this.stopped) return;
        if (this.known.has(peer)) continue;
        try {
          const p = await toxiproxy.get(proxyName(this.self, peer));
          this.known.set(peer, dialAddress(p.listen));
        } catch (err) {
          if (!isNotFound(err)) {
            this.log(`cannot reach Toxiproxy at ${this.url}: ${(err as Error).message}`);
          }
          break; // not there yet: ask again later
        }
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

/**
 * toxiproxy-node-client 4.1 reports a status only inside its error message ("Request failed
 * with status code 404"), as the fabric also reads it.
 */
function isNotFound(err: unknown): boolean {
  return err instanceof ToxiproxyError && /status code 404\b/.test(err.message);
}
