import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * What one process costs, read from /proc (Linux): CPU time so far, resident memory and open
 * file descriptors. Two readings of the same pid give its CPU use over the interval.
 */
export interface ProcReading {
  readonly pid: number;
  /** performance.now() when read. */
  readonly atMs: number;
  /** utime + stime, in ms. */
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly fds: number;
}

/** Clock ticks per second for /proc/<pid>/stat's times (USER_HZ, nearly always 100). */
const TICKS_PER_S = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** One reading of `pid`, or undefined once it has gone. */
export function readProc(pid: number): ProcReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return {
      pid,
      atMs: performance.now(),
      cpuMs: (ticks * 1000) / TICKS_PER_S,
      rssBytes: rss === null ? 0 : Number(rss[1]) * 1024,
      fds: readdirSync(`/proc/${pid}/fd`).length,
    };
  } catch {
    return undefined;
  }
}

/** CPU use between two readings of one process, as a percentage of one core. */
export function cpuPercent(before: ProcReading, after: ProcReading): number {
  const wall = after.atMs - before.atMs;
  return wall <= 0 ? 0 : (100 * (after.cpuMs - before.cpuMs)) / wall;
}
