import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { portFree } from './process-check';

/**
 * Who holds a TCP port, read from /proc (Linux): each socket whose local end is the port,
 * its state, and the process that has it open. For the crash and soak benches, which must
 * say why a port they expected free could not be bound, not only that it could not.
 *
 * A socket no process has open (inode 0) belongs to the kernel: a connection whose process
 * closed it, or died, lingers through FIN_WAIT and TIME_WAIT (60 s on Linux) after the
 * process is gone. One whose process set no SO_REUSEADDR (any outgoing connection: Node sets
 * it only on listeners) blocks a bind of its port for that long.
 */
/** One row of /proc/net/tcp{,6}. */
export interface TcpSocket {
  /** TCP state: LISTEN, ESTABLISHED, TIME_WAIT, … */
  readonly state: string;
  /** The local end. */
  readonly address: string;
  readonly port: number;
  /** The remote end, `address:port`. */
  readonly remote: string;
  /** The socket's inode; 0 once no process has it open. */
  readonly inode: number;
}

/** A socket and the process that has it open, if any (the first found when several share it). */
export interface PortHolder extends TcpSocket {
  readonly pid?: number;
  readonly command?: string;
}

/** Linux's TCP states, as numbered in include/net/tcp_states.h and shown in /proc/net/tcp. */
const STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** Every TCP socket of this network namespace, IPv4 and IPv6; empty without /proc. */
export function tcpSockets(): TcpSocket[] {
  const found: TcpSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const socket = parseSocketLine(line);
      if (socket !== undefined) found.push(socket);
    }
  }
  return found;
}

/** `sockets`, each with the process that has it open. */
export function withOwners(sockets: readonly TcpSocket[]): PortHolder[] {
  const owners = socketOwners(new Set(sockets.map((s) => s.inode).filter((i) => i !== 0)));
  return sockets.map((s) => ({ ...s, ...owners.get(s.inode) }));
}

/** The sockets whose local end is `port`, and who has each. */
export function portHolders(port: number): PortHolder[] {
  return withOwners(tcpSockets().filter((s) => s.port === port));
}

/** One line of /proc/net/tcp{,6}: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`. */
export function parseSocketLine(line: string): TcpSocket | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 10 || !/^\d+:$/.test(fields[0] ?? '')) return undefined;
  const local = parseEnd(fields[1] ?? '');
  const remote = parseEnd(fields[2] ?? '');
  if (local === undefined || remote === undefined) return undefined;
  const stateCode = Number.parseInt(fields[3] ?? '', 16);
  return {
    state: STATES[stateCode] ?? `state 0x${fields[3]}`,
    address: local.address,
    port: local.port,
    remote: `${remote.address}:${remote.port}`,
    inode: Number(fields[9]),
  };
}

/**
 * `0100007F:8D7B` → 127.0.0.1 and 36219. The address is written as 32-bit words in host
 * byte order (little-endian here): one word for IPv4, four for IPv6; an IPv6 one is shown
 * in full but for `::`, `::1` and IPv4-mapped `::ffff:a.b.c.d`.
 */
function parseEnd(text: string): { address: string; port: number } | undefined {
  const match = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i.exec(text);
  if (match === null) return undefined;
  const hex = match[1] ?? '';
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(Number.parseInt(word.slice(b, b + 2), 16));
  }
  const port = Number.parseInt(match[2] ?? '', 16);
  if (bytes.length === 4) return { address: bytes.join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  }
  const full = groups.join(':');
  if (full === '0:0:0:0:0:0:0:0') return { address: '::', port };
  if (full === '0:0:0:0:0:0:0:1') return { address: '::1', port };
  if (full.startsWith('0:0:0:0:0:ffff:')) {
    return { address: `::ffff:${bytes.slice(12).join('.')}`, port };
  }
  return { address: full, port };
}

/** Which process has each socket inode open, from /proc/<pid>/fd links `socket:[inode]`. */
function socketOwners(inodes: Set<number>): Map<number, { pid: number; command: string }> {
  const owners = new Map<number, { pid: number; command: string }>();
  if (inodes.size === 0) return owners;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    for (const dir of fdDirs(pid)) {
      let fds: string[];
      try {
        fds = readdirSync(dir);
      } catch {
        continue; // gone, or not ours to read
      }
      for (const fd of fds) {
        let link: string;
        try {
          link = readlinkSync(`${dir}/${fd}`);
        } catch {
          continue;
        }
        const match = /^socket:\[(\d+)\]$/.exec(link);
        const inode = match === null ? 0 : Number(match[1]);
        if (!inodes.has(inode) || owners.has(inode)) continue;
        owners.set(inode, { pid: Number(pid), command: commandOf(pid) });
      }
    }
  }
  return owners;
}

/**
 * Where `pid`'s open files are listed. Once its main thread has exited (a zombie) while
 * another thread still runs its exit, /proc/<pid>/fd reads empty and only that thread's
 * /proc/<pid>/task/<tid>/fd still shows them (process-check.ts, `alive`).
 */
function fdDirs(pid: string): string[] {
  try {
    if (readdirSync(`/proc/${pid}/fd`).length > 0) return [`/proc/${pid}/fd`];
    return readdirSync(`/proc/${pid}/task`).map((tid) => `/proc/${pid}/task/${tid}/fd`);
  } catch {
    return [];
  }
}

/** Its command line; a zombie's is empty, so then its name from /proc/<pid>/stat. */
function commandOf(pid: string): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    if (command !== '') return command;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))} (main thread exited)`;
  } catch {
    return ''; // exited meanwhile: the pid still says who it was
  }
}

/** One line per socket: `TIME_WAIT 127.0.0.1:36219 → 127.0.0.1:41234 (no process)`. */
export function describeHolders(holders: readonly PortHolder[]): string {
  if (holders.length === 0) return 'no socket found on it';
  return holders
    .map(
      (h) =>
        `${h.state} ${h.address}:${h.port} → ${h.remote} ` +
        (h.pid === undefined ? '(no process)' : `(pid ${h.pid}: ${h.command ?? ''})`),
    )
    .join('; ');
}

/** A port that could not be bound, and the sockets found on it. */
export interface HeldPort {
  readonly port: number;
  readonly holders: readonly PortHolder[];
}

/** Of `ports`, those that cannot be bound at 127.0.0.1, each with who holds it. */
export async function heldPorts(ports: Iterable<number>): Promise<HeldPort[]> {
  const held: HeldPort[] = [];
  for (const port of new Set(ports)) {
    if (!(await portFree(port))) held.push({ port, holders: portHolders(port) });
  }
  return held;
}

/** `36219 (TIME_WAIT 127.0.0.1:36219 → … (no process))`, comma-separated. */
export function describeHeldPorts(held: readonly HeldPort[]): string {
  return held.map((h) => `${h.port} (${describeHolders(h.holders)})`).join(', ');
}
