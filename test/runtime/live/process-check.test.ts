import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { portHolders } from '../../../src/runtime/live/port-holders';
import { alive, portFree } from '../../../src/runtime/live/process-check';

// A process whose main thread has exited while another thread still runs is a zombie in
// /proc/<pid>/stat, yet holds its sockets: the crash bench once found a replica's port held
// by `LISTEN … (no process)` after every replica looked gone. Python can end only the main
// thread (pthread_exit), which makes the state exact instead of a race; Node cannot.
const PYTHON = '/usr/bin/python3';
const havePython = existsSync(PYTHON);

if (!havePython && process.env.CI === 'true') {
  it('needs python3 in CI', () => {
    throw new Error(`${PYTHON} is missing: .ci/run installs it (apt-get install python3)`);
  });
}

const MAIN_THREAD_EXITS = `
import ctypes, socket, sys, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0))
s.listen()
print(s.getsockname()[1], flush=True)
threading.Thread(target=sys.stdin.read).start()
ctypes.CDLL(None).pthread_exit(None)
`;

function mainThreadState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}

describe('alive', () => {
  (havePython ? it : it.skip)(
    `holds a process alive while a thread outlives its exited main thread${havePython ? '' : ` (skipped: ${PYTHON} is missing; apt-get install python3)`}`,
    async () => {
      const child = spawn(PYTHON, ['-c', MAIN_THREAD_EXITS], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        const pid = child.pid ?? 0;
        const port = Number(
          await new Promise<string>((resolve) =>
            createInterface({ input: child.stdout }).once('line', resolve),
          ),
        );
        expect(await until(() => mainThreadState(pid) === 'Z')).toBe(true);

        expect(alive(pid)).toBe(true);
        expect(await portFree(port)).toBe(false);
        expect(portHolders(port)).toEqual([
          expect.objectContaining({
            state: 'LISTEN',
            pid,
            command: expect.stringContaining('main thread exited') as unknown,
          }),
        ]);

        child.stdin.end(); // the other thread's read returns, and the process exits
        await exited;
        expect(alive(pid)).toBe(false);
        expect(await portFree(port)).toBe(true);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    },
  );

  it('counts an exited process as gone, and a running one as alive', async () => {
    expect(alive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(alive(child.pid ?? 0)).toBe(false);
  });
});
