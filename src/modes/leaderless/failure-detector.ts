/**
 * Who is up, as each node sees it: every peer is sent a heartbeat each interval, and any
 * message from a peer proves it alive; a peer not heard from for `failureTimeoutMs` is down.
 * (Cassandra's phi-accrual detector over gossip is smoother; a fixed timeout is easier to
 * reason about in a lab and fails the same way: a partitioned peer looks exactly like a dead
 * one.) Time is counted in heartbeat ticks of this node's timer, as etcd-io/raft counts
 * ticks, so a clock stepped by a skew fault neither kills nor revives anyone.
 */
import type { NodeId } from '../../core/ids';

export class FailureDetector {
  private tick = 0;
  private readonly lastHeard = new Map<NodeId, number>();
  private readonly limit: number;

  constructor(
    private readonly self: NodeId,
    peers: readonly NodeId[],
    private readonly intervalMs: number,
    failureTimeoutMs: number,
  ) {
    this.limit = intervalMs > 0 ? Math.max(1, Math.ceil(failureTimeoutMs / intervalMs)) : Infinity;
    // At start every peer is presumed up, as a fresh Cassandra node presumes its seeds are.
    for (const p of peers) this.lastHeard.set(p, 0);
  }

  /** Whether detection is on at all (off: every peer is presumed up, always). */
  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /** One heartbeat interval passed. */
  advance(): void {
    this.tick++;
  }

  /** A message arrived from `peer`; true when that brings it back from down. */
  heard(peer: NodeId): boolean {
    const wasDown = !this.isAlive(peer);
    this.lastHeard.set(peer, this.tick);
    return wasDown;
  }

  isAlive(node: NodeId): boolean {
    if (node === this.self || !this.enabled) return true;
    const last = this.lastHeard.get(node);
    return last !== undefined && this.tick - last <= this.limit;
  }

  /** How long (ms, by ticks) `node` has been down; 0 when it is up. */
  downForMs(node: NodeId): number {
    if (this.isAlive(node)) return 0;
    const last = this.lastHeard.get(node) ?? 0;
    return (this.tick - last - this.limit) * this.intervalMs;
  }
}
