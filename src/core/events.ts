/**
 * What a replica reports about itself through `env.emit`: the runtime stamps each event with
 * the node and the time and forwards it to metrics, the dashboard and the simulator's trace.
 * Events are observations, never inputs: no protocol decision may depend on one being seen.
 * Every event is plain JSON so it can cross a WebSocket or land in a trace file unchanged.
 */
import type { NodeId, RequestId } from './ids';
import type { Json } from './json';
import type { Key } from './messages/client';

/**
 * A replica's role. Modes use the names of their literature: Raft's follower, pre-candidate,
 * candidate, leader and learner; primary-backup's primary and backup; `replica` for modes
 * without roles (leaderless, multi-leader members).
 */
export type Role =
  | 'follower'
  | 'pre-candidate'
  | 'candidate'
  | 'leader'
  | 'learner'
  | 'primary'
  | 'backup'
  | 'replica';

/** Every Role, for checking a role that arrived as data (a child process's report). */
export const ROLES: ReadonlySet<string> = new Set<Role>([
  'follower',
  'pre-candidate',
  'candidate',
  'leader',
  'learner',
  'primary',
  'backup',
  'replica',
]);

export type ReplicaEvent =
  /** This replica changed role; `term` for term- or epoch-based modes. */
  | { readonly kind: 'role'; readonly role: Role; readonly term?: number }
  /** Who this replica now believes leads (null: nobody known), e.g. for redirects and charts. */
  | { readonly kind: 'leader'; readonly leader: NodeId | null; readonly term?: number }
  /**
   * Updates became durable by the mode's rule (Raft: a majority stored them; async: the
   * primary applied them): `index` is the new commit point in a log-based mode, `count` how
   * many operations it covered.
   */
  | { readonly kind: 'commit'; readonly index?: number; readonly count: number }
  /** Concurrent writes met on `key` and `resolver` chose or merged; `siblings` competed. */
  | {
      readonly kind: 'conflict';
      readonly key: Key;
      readonly resolver: string;
      readonly siblings: number;
      readonly detail?: string;
    }
  /** A request this replica forwarded elsewhere (to the leader, owner or coordinator). */
  | { readonly kind: 'forward'; readonly request: RequestId; readonly to: NodeId }
  /**
   * A mode-specific measurement (hints queued, read repairs, lease expiries): counters add
   * `value`, gauges are set to it. Names are Prometheus-style snake_case without the
   * `geolab_` prefix, which the exporter adds.
   */
  | {
      readonly kind: 'metric';
      readonly name: string;
      readonly type: 'counter' | 'gauge';
      readonly value: number;
      readonly labels?: Readonly<Record<string, string>>;
    }
  /** A note for the trace and the dashboard's log pane. */
  | {
      readonly kind: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly data?: Json;
    };

export type ReplicaEventKind = ReplicaEvent['kind'];
