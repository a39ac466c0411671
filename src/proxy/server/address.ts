import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** A `host:port` string split the way Go's `net.SplitHostPort` does. */
export interface HostPort {
  /** Without IPv6 brackets; '' for "every interface". */
  readonly host: string;
  readonly port: number;
}

/** An address that cannot be listened on or dialled, worded like Go's net errors. */
export class AddressError extends Error {
  override readonly name = 'AddressError';
}

/**
 * Splits `host:port` (`[v6]:port`, `:port`); an empty string means any interface, port 0, as
 * Go's `net.Listen("tcp", "")`. Only numeric ports (Go would also look up service names).
 */
export function splitHostPort(address: string): HostPort {
  if (address === '') return { host: '', port: 0 };
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new AddressError(`address ${address}: missing port in address`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':'))
    throw new AddressError(`address ${address}: too many colons in address`);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new AddressError(`address ${portText}: invalid port`);
  }
  return { host, port: Number(portText) };
}

/** `host:port` with brackets around an IPv6 host, as Go's `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Hosts that mean every interface: Go reports a listener on them as `[::]:port`. */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}

/**
 * The IP a listener binds for `host`: `localhost` is 127.0.0.1 (as Go resolves it, where
 * Node would often pick ::1), a name resolves to its first IPv4 address if it has one.
 */
export async function resolveListenHost(host: string): Promise<string> {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) !== 0) return host;
  try {
    const addresses = await lookup(host, { all: true });
    const chosen = addresses.find((a) => a.family === 4) ?? addresses[0];
    if (chosen === undefined) throw new Error('no address');
    return chosen.address;
  } catch {
    throw new AddressError(`lookup ${host}: no such host`);
  }
}

/** A Node listen error in the words of Go's `net.Listen` (`listen tcp 127.0.0.1:80: bind: …`). */
export function listenErrorMessage(address: string, err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'address already in use',
    EACCES: 'permission denied',
    EADDRNOTAVAIL: 'cannot assign requested address',
    EAFNOSUPPORT: 'address family not supported by protocol',
  };
  const reason = reasons[err.code ?? ''] ?? err.message;
  return `listen tcp ${address}: bind: ${reason}`;
}
