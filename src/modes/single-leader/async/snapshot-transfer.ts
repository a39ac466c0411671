import type { NodeId } from '../../../core/ids';
import type { Json } from '../../../core/json';
import type { Snapshot } from './log';
import type { SnapshotChunk } from './messages';

/**
 * A snapshot cut into chunks of about `maxBytes` of JSON each, so that no frame passes the
 * wire's limit (1 MiB by default) however many keys and remembered outcomes the state holds.
 * A single value larger than a chunk still goes, alone, in its own chunk.
 */
export function chunkSnapshot(
  snapshot: Snapshot,
  epoch: number,
  maxBytes = 256 * 1024,
): SnapshotChunk[] {
  type Part = { data: (readonly [string, Json])[]; outcomes: SnapshotChunk['outcomes'][number][] };
  const parts: Part[] = [{ data: [], outcomes: [] }];
  let bytes = 0;
  const room = (item: unknown): Part => {
    const size = JSON.stringify(item).length;
    if (bytes > 0 && bytes + size > maxBytes) {
      parts.push({ data: [], outcomes: [] });
      bytes = 0;
    }
    bytes += size;
    return parts[parts.length - 1];
  };
  for (const pair of snapshot.data) room(pair).data.push(pair);
  for (const pair of snapshot.outcomes) room(pair).outcomes.push(pair);
  return parts.map((p, part) => ({
    epoch,
    index: snapshot.index,
    indexEpoch: snapshot.epoch,
    part,
    parts: parts.length,
    data: p.data,
    outcomes: p.outcomes,
  }));
}

/**
 * A backup's snapshot coming in chunk by chunk. Links keep order, so the chunks of one
 * transfer arrive in sequence; any other chunk (a resent transfer, another primary's) starts
 * over or is dropped, and the primary resends if no acknowledgement comes.
 */
export class SnapshotAssembly {
  private from: NodeId | undefined;
  private next = 0;
  private data: (readonly [string, Json])[] = [];
  private outcomes: SnapshotChunk['outcomes'][number][] = [];

  /** Adds a chunk; the whole snapshot once its last chunk is in. */
  add(from: NodeId, chunk: SnapshotChunk): Snapshot | undefined {
    if (chunk.part === 0) {
      this.from = from;
      this.next = 0;
      this.data = [];
      this.outcomes = [];
    }
    if (from !== this.from || chunk.part !== this.next) {
      this.from = undefined;
      return undefined;
    }
    this.data.push(...chunk.data);
    this.outcomes.push(...chunk.outcomes);
    this.next++;
    if (this.next < chunk.parts) return undefined;
    const done: Snapshot = {
      index: chunk.index,
      epoch: chunk.indexEpoch,
      data: this.data,
      outcomes: this.outcomes,
    };
    this.from = undefined;
    this.data = [];
    this.outcomes = [];
    return done;
  }
}
