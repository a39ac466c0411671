import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  describeHolders,
  heldPorts,
  parseSocketLine,
  portHolders,
} from '../../../src/runtime/live/port-holders';
import { portFree } from '../../../src/runtime/live/process-check';

// Who holds a port, from /proc/net/tcp{,6} and /proc/<pid>/fd: the crash and soak benches
// name the socket and process behind a port they expected free.

describe('parseSocketLine', () => {
  it('reads an IPv4 listener and an IPv6 connection in TIME_WAIT', () => {
    expect(
      parseSocketLine(
        '   0: 0100007F:8D7B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
      ),
    ).toEqual({
      state: 'LISTEN',
      address: '127.0.0.1',
      port: 36219,
      remote: '0.0.0.0:0',
      inode: 4242,
    });
    expect(
      parseSocketLine(
        '   3: 0000000000000000FFFF00000100007F:B728 0000000000000000FFFF00000100007F:A36D 06 00000000:00000000 03:00001765 00000000     0        0 0 3 0000000000000000',
      ),
    ).toEqual({
      state: 'TIME_WAIT',
      address: '::ffff:127.0.0.1',
      port: 46888,
      remote: '::ffff:127.0.0.1:41837',
      inode: 0,
    });
    const address = (hex: string): string | undefined =>
      parseSocketLine(`0: ${hex}:0050 ${hex}:0000 0A 0:0 0:0 0 0 0 1`)?.address;
    expect(address('00000000000000000000000000000000')).toBe('::');
    expect(address('00000000000000000000000001000000')).toBe('::1');
    expect(address('B80D0120000000000000000001000000')).toBe('2001:db8:0:0:0:0:0:1');
  });

  it('skips the header and blank lines', () => {
    expect(
      parseSocketLine('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when'),
    ).toBeUndefined();
    expect(parseSocketLine('')).toBeUndefined();
  });
});

describe('portHolders', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  async function listening(): Promise<Server> {
    const server = createServer((s) => {
      s.on('end', () => s.end());
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    return server;
  }

  function portOf(server: Server): number {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  async function connected(port: number): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    closers.push(() => socket.destroy());
    return socket;
  }

  it('names the listening process', async () => {
    const port = portOf(await listening());
    const holders = portHolders(port);
    expect(holders).toContainEqual(
      expect.objectContaining({ state: 'LISTEN', address: '127.0.0.1', port, pid: process.pid }),
    );
    expect(await heldPorts([port, port])).toEqual([{ port, holders }]);
  });

  it('finds nothing on a free port', async () => {
    const server = await listening();
    const port = portOf(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await portFree(port)).toBe(true);
    expect(portHolders(port)).toEqual([]);
    expect(await heldPorts([port])).toEqual([]);
    expect(describeHolders([])).toBe('no socket found on it');
  });

  // The fact behind the crash bench's held port: an outgoing connection's local port cannot
  // be bound while it is open, nor for TIME_WAIT's 60 s after its side closed first, when no
  // process has it any more. Node sets SO_REUSEADDR on listeners only, and Linux lets a
  // SO_REUSEADDR bind past a TIME_WAIT socket only if that socket had it too.
  it('names the connection on a port, and the kernel once it lingers in TIME_WAIT', async () => {
    const client = await connected(portOf(await listening()));
    const port = client.localPort ?? 0;
    expect(await portFree(port)).toBe(false);
    expect(portHolders(port)).toContainEqual(
      expect.objectContaining({ state: 'ESTABLISHED', pid: process.pid }),
    );

    client.end();
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(await portFree(port)).toBe(false);
    const [held] = await heldPorts([port]);
    expect(held?.holders).toEqual([
      expect.objectContaining({ state: 'TIME_WAIT', address: '127.0.0.1', port, inode: 0 }),
    ]);
    expect(held?.holders[0]?.pid).toBeUndefined();
    expect(describeHolders(held?.holders ?? [])).toMatch(
      /^TIME_WAIT 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(no process\)$/,
    );
  });
});
