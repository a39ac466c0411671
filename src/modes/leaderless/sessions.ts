/**
 * The causal context each client last read, per key, kept by the replica it talks to. Dynamo
 * and Riak hand the context to the client with the siblings and expect it back with the next
 * write; geolab's clients speak plain read/write, so the coordinator keeps it for them
 * (a session). A write with no remembered context is blind: it replaces nothing and lands as
 * a sibling of every value, which is what a Riak client writing without a vclock gets. Only
 * reads set a context: after a write, the client has still seen only what it read, and a
 * context that claimed more would let its next write drop values it never saw.
 */
import { vv, type VersionVector } from '../../core/clocks';
import type { ClientId } from '../../core/ids';

export class SessionContexts {
  private readonly contexts = new Map<string, VersionVector>();

  constructor(private readonly limit: number) {}

  get(client: ClientId, key: string): VersionVector {
    return this.contexts.get(slot(client, key)) ?? vv.EMPTY;
  }

  /**
   * Remembers what `client` read of `key`. Past the limit the sessions start over (their
   * clients' next writes are blind, so nothing is lost, only more siblings made).
   */
  set(client: ClientId, key: string, context: VersionVector): void {
    if (this.contexts.size >= this.limit) this.contexts.clear();
    this.contexts.set(slot(client, key), context);
  }
}

function slot(client: ClientId, key: string): string {
  return `${client}\u0000${key}`;
}
