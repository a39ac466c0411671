/**
 * What a running replica (or any Node process of ours) holds in memory, as against its RSS:
 * `npm run bench:heap-probe -- PID [file.heapsnapshot]`.
 *
 * Sends the process SIGUSR1, which opens Node's inspector on 127.0.0.1:9229 (a fact of Node,
 * not a geolab feature: any Node process does this unless started with --disable-sigusr1),
 * reads `process.memoryUsage()`, takes a heap snapshot over the DevTools protocol (which
 * collects garbage first, so its sum is the live heap), prints the live heap by kind and the
 * key windows of the soak's keys it holds (`w<n>:k<i>`), and closes the inspector again. The
 * process is paused while the snapshot is taken: a second or two for a 100 MB heap.
 *
 * Closing the inspector from inside (`require('inspector').close()`) ends the DevTools session
 * before that call is answered: the socket closes with 1005 (no status). So the close is the
 * last thing sent, and the closed socket is its answer. (Until 2026-11-27 the probe awaited an
 * answer and failed every time on a replica; on an ES-module process it had looked fine only
 * because `process.mainModule` is undefined there, so the inspector was never closed.)
 *
 * Why: in the soak (docs/reliability/soak.md) a replica's RSS is mostly V8's heap headroom and
 * the process's baseline, not data: a follower at 140 MB RSS held 19 MB of live heap.
 */
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const INSPECTOR = 'http://127.0.0.1:9229/json/list';

async function inspectorUrl(): Promise<string> {
  for (let tries = 0; tries < 50; tries++) {
    try {
      const list = (await (await fetch(INSPECTOR)).json()) as { webSocketDebuggerUrl: string }[];
      if (list[0] !== undefined) return list[0].webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no inspector at ${INSPECTOR} after SIGUSR1`);
}

class Devtools {
  private next = 0;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  private readonly closed: Promise<number>;
  readonly chunks: string[] = [];

  constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', resolve));
    // A closed or failed connection fails every call still waiting, rather than leaving the
    // process to exit in silence with nothing left to run.
    const failAll = (why: string) => {
      for (const done of this.waiting.values()) done(new Error(why));
      this.waiting.clear();
    };
    ws.on('close', (code: number) => failAll(`the inspector closed the connection (${code})`));
    ws.on('error', (e: Error) => failAll(`inspector connection: ${e.message}`));
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        params?: { chunk: string };
        result?: unknown;
      };
      if (m.method === 'HeapProfiler.addHeapSnapshotChunk' && m.params)
        this.chunks.push(m.params.chunk);
      if (m.id !== undefined) this.waiting.get(m.id)?.(m.result);
    });
  }

  call(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (result) =>
        result instanceof Error ? reject(result) : resolve(result),
      );
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate(expression: string): Promise<unknown> {
    // includeCommandLineAPI gives the expression `require`, whatever kind of module the
    // process's main file is.
    const r = (await this.call('Runtime.evaluate', {
      expression,
      returnByValue: true,
      includeCommandLineAPI: true,
    })) as { result: { value: unknown } };
    return r.result.value;
  }

  /** Closes the process's inspector; resolves once it has hung up on us (see the top). */
  async closeInspector(): Promise<void> {
    this.call('Runtime.evaluate', {
      expression: "require('inspector').close()",
      includeCommandLineAPI: true,
    }).catch(() => undefined);
    await this.closed;
  }
}

function summarise(s: Snapshot): void {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKind = new Map<string, { bytes: number; count: number }>();
  const windows = new Set<number>();
  let keys = 0;
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]];
    const name = s.strings[s.nodes[i + iName]];
    const size = s.nodes[i + iSize];
    total += size;
    const kind = type.endsWith('string') ? 'string' : `${type} ${name.slice(0, 50)}`;
    const k = byKind.get(kind) ?? { bytes: 0, count: 0 };
    k.bytes += size;
    k.count++;
    byKind.set(kind, k);
    const w = type === 'string' ? /^w(\d+):k\d+$/.exec(name) : null;
    if (w !== null) {
      keys++;
      windows.add(Number(w[1]));
    }
  }
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`live heap ${mb(total)} MB; soak keys held: ${keys} in ${windows.size} windows`);
  for (const [kind, k] of [...byKind].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12))
    console.log(`  ${mb(k.bytes).padStart(7)} MB ${String(k.count).padStart(9)}  ${kind}`);
}

async function main(): Promise<void> {
  const pid = Number(process.argv[2]);
  const out = process.argv[3];
  if (!Number.isInteger(pid) || pid <= 0) {
    console.error('usage: npm run bench:heap-probe -- PID [file.heapsnapshot]');
    process.exit(2);
  }
  process.kill(pid, 'SIGUSR1');
  const ws = new WebSocket(await inspectorUrl(), { maxPayload: 2 ** 30 });
  await new Promise((r) => ws.once('open', r));
  const tools = new Devtools(ws);
  // Port 9229 is one per machine: make sure the inspector listening there is the process asked
  // for, not one an earlier probe or a debugger left open.
  const listening = await tools.evaluate('process.pid');
  if (listening !== pid) {
    ws.close();
    throw new Error(`the inspector on 127.0.0.1:9229 belongs to process ${String(listening)}`);
  }
  console.log(
    `process ${pid}: ${String(await tools.evaluate('JSON.stringify(process.memoryUsage())'))}`,
  );
  await tools.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  const text = tools.chunks.join('');
  if (out !== undefined) writeFileSync(out, text);
  await tools.closeInspector();
  summarise(JSON.parse(text) as Snapshot);
}

main().catch((e: unknown) => {
  console.error(`heap-probe: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
