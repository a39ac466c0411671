import { readFileSync } from 'node:fs';
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
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return true; // no /proc: trust kill(0)
  }
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
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
