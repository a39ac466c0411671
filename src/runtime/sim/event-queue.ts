/**
 * The simulator's agenda: a binary min-heap of events ordered by virtual time, ties broken
 * by insertion order, so that two runs that schedule the same events see them in the same
 * order (determinism by seed depends on it). Times, sequence numbers and events sit in
 * parallel arrays rather than one object per entry: the simulator pushes millions of events,
 * and the allocations showed up as garbage-collection time.
 */
export class EventQueue<T> {
  private times: number[] = [];
  private seqs: number[] = [];
  private events: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.times.length;
  }

  push(at: number, event: T): void {
    const { times, seqs, events } = this;
    const seq = this.nextSeq++;
    let i = times.length;
    times.push(at);
    seqs.push(seq);
    events.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < at || (pt === at && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      events[i] = events[parent];
      i = parent;
    }
    times[i] = at;
    seqs[i] = seq;
    events[i] = event;
  }

  peekTime(): number {
    return this.times.length === 0 ? Infinity : this.times[0];
  }

  /** Remove the earliest event; its time is what peekTime() returned just before. */
  pop(): T | undefined {
    const { times, seqs, events } = this;
    const n = times.length - 1;
    if (n < 0) return undefined;
    const top = events[0];
    const at = times[n];
    const seq = seqs[n];
    const event = events[n];
    times.pop();
    seqs.pop();
    events.pop();
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child =
          r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l])) ? r : l;
        const ct = times[child];
        if (ct > at || (ct === at && seqs[child] > seq)) break;
        times[i] = ct;
        seqs[i] = seqs[child];
        events[i] = events[child];
        i = child;
      }
      times[i] = at;
      seqs[i] = seq;
      events[i] = event;
    }
    return top;
  }
}
