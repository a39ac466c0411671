import { ApiError, ERR_PROXY_ALREADY_EXISTS, ERR_PROXY_NOT_FOUND } from './api-error';
import { Proxy } from './proxy';
import type { ProxyConfig } from './proxy-body';

/** Every proxy of one server, by name (upstream's proxy_collection.go). */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly random: () => number) {}

  /** By name, sorted: Go's JSON encoder sorts the keys of the map `GET /proxies` returns. */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw ERR_PROXY_NOT_FOUND;
    return proxy;
  }

  /** Adds a proxy, checking the name before binding (409 before any 500 for the port). */
  async add(config: Required<ProxyConfig>): Promise<Proxy> {
    if (this.proxies.has(config.name)) throw ERR_PROXY_ALREADY_EXISTS;
    const proxy = new Proxy(config.name, config.listen, config.upstream, this.random);
    if (config.enabled) await proxy.start();
    this.proxies.set(config.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Populate (proxy_collection.go `PopulateJson`, `AddOrReplace`), after the caller validated
   * every item: a proxy whose listen and upstream are unchanged is kept as it is, with its
   * toxics; a changed one is replaced and loses them. Duplicate names within one request are
   * refused before anything changes (upstream answers that one with a 500; 400 here).
   */
  async populate(configs: readonly Required<ProxyConfig>[]): Promise<Proxy[]> {
    const seen = new Set<string>();
    for (const c of configs) {
      if (seen.has(c.name))
        throw new ApiError(`duplicate proxy name ${JSON.stringify(c.name)}`, 400);
      seen.add(c.name);
    }
    const result: Proxy[] = [];
    for (const config of configs) {
      const existing = this.proxies.get(config.name);
      if (existing !== undefined) {
        if (existing.listen === config.listen && existing.upstream === config.upstream) {
          result.push(existing);
          continue;
        }
        this.proxies.delete(config.name);
        await existing.stop();
      }
      result.push(await this.add(config));
    }
    return result;
  }

  /** Stops every proxy (the server is shutting down). */
  async closeAll(): Promise<void> {
    const proxies = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.stop()));
  }
}
