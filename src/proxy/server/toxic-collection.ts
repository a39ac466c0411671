import type { Connection } from './connection';
import type { Direction, ToxicConfig } from './toxic-config';

/** The toxics of one direction and of the other, in order: what a new connection starts with. */
export interface ToxicChains {
  readonly upstream: readonly ToxicConfig[];
  readonly downstream: readonly ToxicConfig[];
}

/**
 * One proxy's toxics: a chain per direction, in insertion order (toxic_collection.go). Every
 * change reaches the connections already open: an added toxic joins the end of each link's
 * chain, an updated one restarts (re-rolling toxicity), a removed one lets its data go.
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicConfig[]> = { upstream: [], downstream: [] };

  constructor(private readonly connections: () => Iterable<Connection>) {}

  /** Upstream toxics first, then downstream, each in insertion order (as upstream lists them). */
  list(): ToxicConfig[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  get(name: string): ToxicConfig | undefined {
    return this.list().find((t) => t.name === name);
  }

  snapshot(): ToxicChains {
    return { upstream: [...this.chains.upstream], downstream: [...this.chains.downstream] };
  }

  add(toxic: ToxicConfig): void {
    this.chains[toxic.direction].push(toxic);
    for (const c of this.connections()) c.link(toxic.direction).addToxic(toxic);
  }

  async update(toxic: ToxicConfig): Promise<void> {
    const chain = this.chains[toxic.direction];
    const index = chain.findIndex((t) => t.name === toxic.name);
    if (index < 0) return;
    chain[index] = toxic;
    await Promise.all(
      [...this.connections()].map((c) => c.link(toxic.direction).updateToxic(toxic)),
    );
  }

  async remove(name: string): Promise<void> {
    const toxic = this.get(name);
    if (toxic === undefined) return;
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    await Promise.all(
      [...this.connections()].map((c) => c.link(toxic.direction).removeToxic(name)),
    );
  }

  /** Removes every toxic (`POST /reset`). */
  async clear(): Promise<void> {
    for (const toxic of this.list()) await this.remove(toxic.name);
  }
}
