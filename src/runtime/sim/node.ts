import type { Env, Replica } from '../../core/env';
import type { NodeId, RequestId, TimerId } from '../../core/ids';
import type { Rng } from '../../core/random';
import { MemoryStorage } from '../../core/storage/memory-storage';
import { NodeClock } from './clock';

/** A replica's host in the simulator: its clock, disk, random stream and lifecycle. */
export class SimNode {
  readonly clock = new NodeClock();
  readonly storage = new MemoryStorage();
  /** Bumped at every crash: timers and replies of an earlier life are void. */
  incarnation = 0;
  state: 'up' | 'down' | 'paused' = 'down';
  replica: Replica | undefined;
  env: Env | undefined;
  /** What arrived while paused, handled in order on resume. */
  readonly pending: (() => void)[] = [];
  /** Live timers of this incarnation. */
  readonly timers = new Set<TimerId>();
  /** Client requests received and not yet answered: request → the client endpoint to answer. */
  readonly outstanding = new Map<RequestId, string>();

  constructor(
    readonly id: NodeId,
    readonly region: string,
    readonly rng: Rng,
  ) {}
}
