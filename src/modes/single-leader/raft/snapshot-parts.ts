import type { SnapshotState } from './messages';

/**
 * A snapshot's state cut into parts for the wire, and put together again: Raft's chunked
 * InstallSnapshot (§7 of the paper), with whole key/value and outcome pairs as the unit
 * rather than byte offsets, so each part is a valid SnapshotState on its own.
 */

/**
 * Parts of at most about `maxBytes` of JSON each (a single pair larger than that gets a part
 * of its own); always at least one part, so an empty state still travels.
 */
export function splitSnapshotState(state: SnapshotState, maxBytes: number): SnapshotState[] {
  const parts: {
    data: SnapshotState['data'][number][];
    outcomes: SnapshotState['outcomes'][number][];
  }[] = [];
  let current = {
    data: [] as SnapshotState['data'][number][],
    outcomes: [] as SnapshotState['outcomes'][number][],
  };
  let bytes = 0;
  const room = (size: number): void => {
    if (bytes > 0 && bytes + size > maxBytes) {
      parts.push(current);
      current = { data: [], outcomes: [] };
      bytes = 0;
    }
    bytes += size;
  };
  for (const pair of state.data) {
    room(JSON.stringify(pair).length + 1);
    current.data.push(pair);
  }
  for (const pair of state.outcomes) {
    room(JSON.stringify(pair).length + 1);
    current.outcomes.push(pair);
  }
  parts.push(current);
  return parts;
}

/** The state the parts were cut from, in order. */
export function joinSnapshotState(parts: readonly SnapshotState[]): SnapshotState {
  return {
    data: parts.flatMap((p) => p.data),
    outcomes: parts.flatMap((p) => p.outcomes),
  };
}

/** A follower's snapshot as its parts arrive: one snapshot (term, index) at a time. */
export class SnapshotAssembly {
  private key = '';
  private parts: (SnapshotState | undefined)[] = [];
  private received = 0;

  /**
   * Adds part `part` of `parts` of the snapshot that `key` names; returns the whole state once
   * every part has arrived, else undefined. A part of another snapshot starts over.
   */
  add(key: string, part: number, parts: number, state: SnapshotState): SnapshotState | undefined {
    if (key !== this.key || parts !== this.parts.length) {
      this.key = key;
      this.parts = new Array<SnapshotState | undefined>(parts).fill(undefined);
      this.received = 0;
    }
    if (this.parts[part] === undefined) {
      this.parts[part] = state;
      this.received++;
    }
    if (this.received < parts) return undefined;
    const whole = joinSnapshotState(this.parts as SnapshotState[]);
    this.key = '';
    this.parts = [];
    this.received = 0;
    return whole;
  }
}
