import type { RawTopology } from './raw';
import { durationAt, type Reporter } from './reporter';
import type { OperationType, Replication, Workload } from './types';
import { oneOf } from './suggest';

export const WORKLOAD_DEFAULTS = {
  keys: 10,
  zipfExponent: 1,
  hotKeyFraction: 0.5,
  concurrency: 1,
  durationMs: 30_000,
  /** Well above the largest inter-region RTT (≈ 320 ms), so time-outs mean trouble. */
  clientTimeoutMs: 2000,
} as const;

/** Which operations a mode can serve; the rest need a mode that has them. */
export function operationsOf(replication: Replication): readonly OperationType[] {
  switch (replication.mode) {
    case 'single-copy':
    case 'single-leader':
      return ['read', 'write', 'cas', 'append'];
    case 'multi-leader':
      // CRDT text and list edits merge; an LWW register would keep one side's edit.
      return replication.resolver === 'lww'
        ? ['read', 'write', 'increment']
        : ['read', 'write', 'increment', 'append', 'text'];
    case 'leaderless':
      // Compare-and-set needs agreement on the current value: Paxos (SERIAL), not quorums.
      return replication.serial ? ['read', 'write', 'cas'] : ['read', 'write'];
  }
}

function defaultMix(replication: Replication): Partial<Record<OperationType, number>> {
  switch (replication.mode) {
    case 'multi-leader':
      return { read: 0.5, write: 0.4, increment: 0.1 };
    case 'leaderless':
      return replication.serial ? { read: 0.5, write: 0.4, cas: 0.1 } : { read: 0.5, write: 0.5 };
    default:
      return { read: 0.5, write: 0.4, cas: 0.1 };
  }
}

export function resolveWorkload(
  raw: RawTopology['workload'],
  replication: Replication | undefined,
  report: Reporter,
  options: { readonly adaptMix?: boolean } = {},
): Workload {
  const w = adaptMix(raw ?? {}, replication, options.adaptMix === true);
  const path = ['workload'];
  if (w.rate !== undefined && w.concurrency !== undefined) {
    report.error(
      [...path, 'concurrency'],
      'give rate (open loop, ops/s per client) or concurrency (closed loop), not both',
    );
  }
  const mix = w.mix ?? (replication ? defaultMix(replication) : {});
  if (w.mix !== undefined && Object.values(w.mix).every((weight) => weight === 0)) {
    report.error(
      [...path, 'mix'],
      'workload.mix gives no operation a weight above 0 (e.g. read: 1, write: 1)',
    );
  }
  if (replication && w.mix !== undefined) {
    const served = operationsOf(replication);
    for (const [op, weight] of Object.entries(w.mix)) {
      if (weight > 0 && !served.includes(op as OperationType)) {
        report.error(
          [...path, 'mix', op],
          `operation "${op}" is not available in ${describeMode(replication)} (it serves ${oneOf([...served])})`,
          'key',
        );
      }
    }
  }
  return {
    keys: w.keys ?? WORKLOAD_DEFAULTS.keys,
    keyDistribution: (w.keyDistribution as Workload['keyDistribution'] | undefined) ?? 'uniform',
    zipfExponent: w.zipfExponent ?? WORKLOAD_DEFAULTS.zipfExponent,
    hotKeyFraction: w.hotKeyFraction ?? WORKLOAD_DEFAULTS.hotKeyFraction,
    rate: w.rate,
    concurrency: w.concurrency ?? WORKLOAD_DEFAULTS.concurrency,
    durationMs:
      durationAt(report, [...path, 'duration'], w.duration, { zero: false }) ??
      WORKLOAD_DEFAULTS.durationMs,
    mix,
    ...(w.levels === undefined ? {} : { levels: w.levels as Workload['levels'] }),
  };
}

/**
 * Under `--mode`, the file's mix was written for another mode: the ops the new one does not
 * serve (a cas under multi-leader lww) are dropped rather than refused, and if none is left
 * the new mode's default mix applies.
 */
function adaptMix(
  w: NonNullable<RawTopology['workload']>,
  replication: Replication | undefined,
  adapt: boolean,
): NonNullable<RawTopology['workload']> {
  if (!adapt || replication === undefined || w.mix === undefined) return w;
  const served = operationsOf(replication);
  const kept = Object.entries(w.mix).filter(
    ([op, weight]) => served.includes(op as OperationType) && weight > 0,
  );
  if (kept.length === 0) {
    const { mix: _dropped, ...rest } = w;
    return rest;
  }
  return { ...w, mix: Object.fromEntries(kept) };
}

function describeMode(replication: Replication): string {
  switch (replication.mode) {
    case 'multi-leader':
      return `multi-leader mode with resolver ${replication.resolver}`;
    case 'leaderless':
      return `leaderless mode${replication.serial ? '' : ' without serial: true'}`;
    case 'single-leader':
      return `single-leader mode (${replication.protocol})`;
    default:
      return `${replication.mode} mode`;
  }
}
