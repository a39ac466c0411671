import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * What a live run leaves behind, and what its processes use, read from /proc (Linux): for
 * the crash and soak benches, which must show that every process and port is released and
 * that memory stays flat.
 */

/**
 * Whether `pid` still runs. A child whose parent was killed is reaped by init, which here
 * (a container's PID 1) can take a second or two: an exited process waiting to be reaped
 * (a zombie, state Z) holds no port or file and counts as gone.
 *
 * But /proc/<pid>/stat shows the main thread only. When a multi-threaded process (every Node
 * process) is killed, each thread exits on its own; the main thread can be a zombie while
 * another still runs its exit, and the last thread to leave closes the process's files and
 * sockets only after it has unmapped its memory. Meanwhile /proc/<pid>/fd reads empty but
 * the replica's listener still holds its port: the crash bench saw `LISTEN 127.0.0.1:43601
 * (no process)` once in 45 runs. So a zombie counts as gone only once it is the last thread.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return !existsSync('/proc/self'); // gone since kill(0), or no /proc: trust kill(0)
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? '1');
  return !((state === 'Z' || state === 'X') && threads <= 1);
}

/** Whether nothing listens on `port` at 127.0.0.1 (we can bind it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Resident set size of `pid` in bytes (VmRSS), or undefined once it has gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    return vmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

function vmRss(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

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
    const rss = vmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return {
      pid,
      atMs: performance.now(),
      cpuMs: (ticks * 1000) / TICKS_PER_S,
      rssBytes: rss ?? 0,
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
