import type { NodeId } from '../../../core/ids';
import type { Member } from './config';

/**
 * Epoch numbers, dealt round-robin over the membership as Paxos deals ballot numbers: epoch
 * e belongs to members[(e - 1) mod n]. Without consensus two nodes can promote themselves at
 * once, each unaware of the other; if both chose "highest seen + 1" they would share an
 * epoch, and then neither a fencing check nor the log's (index, epoch) pairs could tell their
 * writes apart. Dealt this way, every epoch has exactly one possible primary, the epochs stay
 * totally ordered, and any replica can name the primary of an epoch it hears of.
 */
export function epochOwner(epoch: number, members: readonly Member[]): NodeId {
  return members[(((epoch - 1) % members.length) + members.length) % members.length].id;
}

/** The smallest epoch above `above` that `node` owns. */
export function nextEpochOf(node: NodeId, above: number, members: readonly Member[]): number {
  const position = members.findIndex((m) => m.id === node);
  if (position < 0) throw new RangeError(`${node} is not a member`);
  const n = members.length;
  // Epochs owned by `node` are position + 1 + k·n, k ≥ 0.
  const k = Math.max(0, Math.floor((above - position - 1) / n) + 1);
  return position + 1 + k * n;
}
