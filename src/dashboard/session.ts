import type { Control, EventFrame, HelloFrame, StateFrame } from './protocol';

/**
 * What the dashboard server shows and acts on: a live cluster (LiveSession) or the simulator
 * (SimSession). The server knows nothing else about either.
 */
export interface DashboardSession {
  hello(): HelloFrame;
  /** The state now; the server pushes one about every 500 ms. */
  snapshot(): StateFrame;
  /** Every event from now on; returns the unsubscribe function. */
  onEvent(listener: (event: EventFrame) => void): () => void;
  /** The events so far (the most recent few hundred), for a page that connects late. */
  recentEvents(): readonly EventFrame[];
  /** Act on a control; throws ControlError with a message for the user when it cannot. */
  control(control: Control): Promise<void>;
  /** Stop everything the session started (cluster, workload, timers). */
  close(): Promise<void>;
}

/** A control that cannot be carried out, said for the person who clicked. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
}

const KEEP_EVENTS = 300;

/** The events of a session: listeners now, and the last few hundred for late pages. */
export class EventLog {
  private readonly listeners = new Set<(event: EventFrame) => void>();
  private readonly recent: EventFrame[] = [];

  constructor(private readonly now: () => number) {}

  say(kind: EventFrame['kind'], text: string): void {
    const event: EventFrame = { type: 'event', t: Math.round(this.now()), kind, text };
    this.recent.push(event);
    if (this.recent.length > KEEP_EVENTS) this.recent.shift();
    for (const listener of this.listeners) listener(event);
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): readonly EventFrame[] {
    return [...this.recent];
  }
}
