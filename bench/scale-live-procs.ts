import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Cluster } from '../src/runtime/live/cluster';
import { describeHeldPorts, heldPorts } from '../src/runtime/live/port-holders';
import { alive } from '../src/runtime/live/process-check';

/** `geolab toxiproxy` in its own process, on a free port. */
export interface ProxyProcess {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

const CLI = join(__dirname, '..', 'dist', 'cli', 'main.js');

export function startProxyProcess(): Promise<ProxyProcess> {
  const proc = spawn(process.execPath, [CLI, 'toxiproxy', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`geolab toxiproxy exited (code ${code})`)));
    createInterface({ input: proc.stdout }).once('line', (line) => {
      const url = /on (http:\/\/\S+)/.exec(line)?.[1];
      if (url === undefined || proc.pid === undefined) {
        proc.kill('SIGKILL');
        reject(new Error(`geolab toxiproxy said: ${line}`));
        return;
      }
      resolve({
        pid: proc.pid,
        url,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/**
 * What a stopped cluster left: replica processes still running (of `pids`), and ports still
 * taken among the replicas' and every proxy's, each with the socket and process holding it (a
 * port another program took meanwhile shows too, named).
 */
export async function leftovers(cluster: Cluster, pids: readonly number[]): Promise<string[]> {
  const left = pids.filter(alive).map((pid) => `pid ${pid} runs`);
  const ports = cluster.nodes().map((n) => n.port);
  for (const name of cluster.fabric.proxies()) {
    const [from, to] = name.split('__');
    ports.push(cluster.fabric.address(from, to).port);
  }
  for (const held of await heldPorts(ports)) left.push(`port ${describeHeldPorts([held])}`);
  return left;
}
