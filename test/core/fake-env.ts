/** A hand-cranked Env for unit tests: the test sets the clock and reads what was sent. */
import type { Env } from '../../src/core/env';
import type { ReplicaEvent } from '../../src/core/events';
import { asNodeId, asTimerId, type NodeId, type RequestId, type TimerId } from '../../src/core/ids';
import type { ClientResult } from '../../src/core/messages/client';
import type { PeerMessage } from '../../src/core/messages/envelope';
import { Rng } from '../../src/core/random';
import { MemoryStorage } from '../../src/core/storage/memory-storage';

export class FakeEnv implements Env {
  readonly self: NodeId;
  time = 0;
  readonly sent: { to: NodeId; msg: PeerMessage }[] = [];
  readonly timers = new Map<TimerId, { at: number; tag: string }>();
  readonly replies: { req: RequestId; res: ClientResult }[] = [];
  readonly events: ReplicaEvent[] = [];
  readonly storage = new MemoryStorage();
  private nextTimer = 1;
  private readonly rng: Rng;

  constructor(self: string) {
    this.self = asNodeId(self);
    this.rng = new Rng(self);
  }

  readonly now = (): number => this.time;

  send(to: NodeId, msg: PeerMessage): void {
    this.sent.push({ to, msg });
  }
  setTimer(afterMs: number, tag: string): TimerId {
    const id = asTimerId(this.nextTimer++);
    this.timers.set(id, { at: this.time + afterMs, tag });
    return id;
  }
  cancelTimer(id: TimerId): void {
    this.timers.delete(id);
  }
  reply(req: RequestId, res: ClientResult): void {
    this.replies.push({ req, res });
  }
  random(): number {
    return this.rng.next();
  }
  emit(ev: ReplicaEvent): void {
    this.events.push(ev);
  }

  /** Removes and returns the tags of timers due by now, earliest first. */
  due(): string[] {
    const ready = [...this.timers]
      .filter(([, t]) => t.at <= this.time)
      .sort(([, a], [, b]) => a.at - b.at);
    for (const [id] of ready) this.timers.delete(id);
    return ready.map(([, t]) => t.tag);
  }

  /** Removes and returns everything sent so far. */
  drain(): { to: NodeId; msg: PeerMessage }[] {
    return this.sent.splice(0);
  }
}
