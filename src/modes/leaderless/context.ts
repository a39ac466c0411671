/**
 * What the parts of a leaderless replica (coordinator, Paxos, anti-entropy) share: the node's
 * Env, its view of the ring and of who is up, its data and hints, and a few helpers. The
 * replica (leaderless.ts) is the one implementation; each part takes it instead of a dozen
 * constructor arguments.
 */
import type { Env } from '../../core/env';
import type { NodeId } from '../../core/ids';
import type { Cell } from './cell';
import type { LeaderlessConfig } from './config';
import type { FailureDetector } from './failure-detector';
import type { HintStore } from './hints';
import type { LeaderlessMessage } from './messages';
import type { Placement } from './placement';
import type { CellStore } from './store';
import type { Stamper } from './timestamps';

export interface ReplicaContext {
  readonly env: Env;
  readonly config: LeaderlessConfig;
  readonly placement: Placement;
  readonly detector: FailureDetector;
  readonly store: CellStore;
  readonly hints: HintStore;
  readonly stamper: Stamper;
  /** This node's region. */
  readonly region: string;
  regionOf(node: NodeId): string;
  /** A fresh id for an operation this node starts (unique across its restarts). */
  newOp(): string;
  send(to: NodeId, m: LeaderlessMessage): void;
  /**
   * Merges a cell into this node's data, or into its hints when it holds the copy for
   * `standingInFor` (a sloppy quorum's stand-in). Does not sync: the caller does, once.
   */
  applyLocal(key: string, cell: Cell, standingInFor?: NodeId): void;
  /** What this node answers a read of `key` with. */
  readLocal(key: string): Cell | undefined;
  metric(name: string, value?: number, labels?: Readonly<Record<string, string>>): void;
}

/** A replica reached through `target`: itself, or a sloppy quorum's stand-in for it. */
export interface Route {
  readonly replica: NodeId;
  readonly region: string;
  readonly target: NodeId;
}
