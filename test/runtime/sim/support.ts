import type { Env, Replica } from '../../../src/core/env';
import type { NodeId } from '../../../src/core/ids';
import type { PeerMessage } from '../../../src/core/messages/envelope';
import { parseTopology, type Topology } from '../../../src/topology';

export function topology(text: string): Topology {
  const result = parseTopology(text, 'sim-test.yaml');
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.topology;
}

/** What a probe replica saw: messages with their arrival times, timers, its clock. */
export interface Observed {
  received: { at: number; from: string; type: string; body: unknown }[];
  timers: { at: number; tag: string; local: number }[];
}

/**
 * A replica that does nothing but record, and send when told: a probe of the runtime's own
 * behaviour (delays, faults, clocks, storage) without any protocol in the way.
 */
export class Probe implements Replica {
  constructor(
    readonly env: Env,
    readonly seen: Observed,
    private readonly virtualNow: () => number,
  ) {}

  onStart(): void {}

  onMessage(from: NodeId, msg: PeerMessage): void {
    this.seen.received.push({ at: this.virtualNow(), from, type: msg.type, body: msg.body });
  }

  onClient(): void {}

  onTimer(tag: string): void {
    this.seen.timers.push({ at: this.virtualNow(), tag, local: this.env.now() });
  }
}
