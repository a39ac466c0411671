import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { alive } from './process-check';

/**
 * Replica processes an earlier geolab left behind on a data directory. A replica notices
 * its orchestrator's death by its stdin closing, but one the nemesis had paused (SIGSTOP)
 * when the orchestrator was killed cannot notice anything: the first 30-minute soak, stopped
 * with kill, left one stopped replica holding its data directory and ports. `geolab up`
 * (every Cluster) clears such orphans from its data directory before it starts.
 */

export interface ReplicaProcess {
  readonly pid: number;
  /** Its parent: init (1) or a subreaper once the orchestrator that started it has died. */
  readonly ppid: number;
  readonly command: string;
}

/**
 * Running processes whose command line has `--data <dataDir>[/…]`, paths compared absolute
 * (a relative one against the process's own working directory). A process whose main thread
 * has exited shows an empty command line, so one still exiting is not found here: `alive()`
 * says when it is gone.
 */
export function replicasUsing(dataDir: string): ReplicaProcess[] {
  const found: ReplicaProcess[] = [];
  const wanted = resolve(dataDir);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // no /proc: nothing to find
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const i = args.indexOf('--data');
      if (i < 0 || args[i + 1] === undefined) continue;
      const dir = resolve(readlinkSync(`/proc/${entry}/cwd`), args[i + 1]);
      if (dir !== wanted && !dir.startsWith(`${wanted}/`)) continue;
      if (!alive(Number(entry))) continue; // exited, and holds nothing
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid: Number(entry), ppid: Number(fields[1]), command: args.join(' ').trim() });
    } catch {
      // it exited while we looked
    }
  }
  return found;
}

/**
 * Whether `pid` runs Node.js: an orchestrator. An orphan is adopted by init (pid 1) or, on a
 * desktop, by a subreaper such as `systemd --user`, neither of which is node.
 */
function isNode(pid: number): boolean {
  try {
    const exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return exe === process.execPath || /(^|\/)node(js)?$/.test(exe);
  } catch {
    return false;
  }
}

/**
 * SIGKILLs (which reaches a stopped process too) every orphaned replica on `dataDir`, and
 * throws if a replica there still has a living parent: another geolab uses the directory.
 * Returns the pids killed.
 */
export function killLeftovers(dataDir: string, log: (message: string) => void): number[] {
  const found = replicasUsing(dataDir);
  const owned = found.find((p) => p.ppid !== 1 && isNode(p.ppid));
  if (owned !== undefined) {
    throw new Error(
      `${dataDir} is in use by replica pid ${owned.pid} of a running geolab (pid ${owned.ppid}): stop it first`,
    );
  }
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGKILL');
      log(`killed replica pid ${p.pid} left on ${dataDir} by a geolab that died`);
    } catch {
      // gone already
    }
  }
  return found.map((p) => p.pid);
}
