/**
 * What a running replica (or any Node process of ours) holds in memory, as against its RSS:
 * `npm run bench:heap-probe -- PID [file.heapsnapshot]`.
 *
 * With `--fields Leaderless` it also prints what each field of every `Leaderless` object retains
 * (bench/heap-snapshot.ts); `--data CellStore,FileStorage,HintStore` prints what those hold
 * together and what the rest of the process holds; `--from file.heapsnapshot` reads a saved
 * snapshot instead of a process.
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
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { alive } from '../src/runtime/live/process-check';
import {
  heapGraph,
  heldTogether,
  retainedByField,
  type Snapshot,
  summarise,
} from './heap-snapshot';

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

function print(s: Snapshot, fieldsOf: string | undefined, data: string | undefined): void {
  const g = heapGraph(s);
  const summary = summarise(g);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(
    `live heap ${mb(summary.liveBytes)} MB; soak keys held: ${summary.soakKeys} in ${summary.soakWindows} windows`,
  );
  for (const k of summary.byKind.slice(0, 12))
    console.log(`  ${mb(k.bytes).padStart(7)} MB ${String(k.count).padStart(9)}  ${k.kind}`);
  if (data !== undefined) {
    const held = heldTogether(g, data.split(','));
    console.log(
      `held by ${data} together: ${mb(held)} MB; the rest of the process: ${mb(summary.liveBytes - held)} MB`,
    );
  }
  if (fieldsOf === undefined) return;
  const rows = retainedByField(g, fieldsOf);
  if (rows.length === 0) console.log(`no object of class ${fieldsOf}`);
  else console.log(`retained by ${fieldsOf} and its fields (* also reachable otherwise):`);
  for (const r of rows.filter((r) => r.bytes >= 64 * 1024 || !r.path.includes('.')))
    console.log(`  ${mb(r.bytes).padStart(7)} MB  ${r.path}${r.shared ? ' *' : ''}`);
}

const USAGE =
  'usage: npm run bench:heap-probe -- PID [file.heapsnapshot] [--fields CLASS] [--data CLASS,…]\n' +
  '       npm run bench:heap-probe -- --from file.heapsnapshot [--fields CLASS] [--data CLASS,…]';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { fields: { type: 'string' }, from: { type: 'string' }, data: { type: 'string' } },
    });
  } catch (e) {
    console.error(`heap-probe: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { fields, from, data } = args.values;
  if (from !== undefined) {
    print(JSON.parse(readFileSync(from, 'utf8')) as Snapshot, fields, data);
    return;
  }
  const pid = Number(args.positionals[0]);
  const out = args.positionals[1];
  if (!Number.isInteger(pid) || pid <= 0) {
    console.error(USAGE);
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
  print(JSON.parse(text) as Snapshot, fields, data);
}

main().catch((e: unknown) => {
  const why = e instanceof Error ? e.message : String(e);
  // In a soak the nemesis crashes a replica every 12 s or so; a large heap's snapshot takes
  // seconds, and a replica killed meanwhile drops the connection (1006).
  const pid = Number(process.argv[2]);
  const gone = Number.isInteger(pid) && pid > 0 && !alive(pid);
  console.error(
    `heap-probe: ${why}${gone ? `; process ${pid} is gone (it exited meanwhile)` : ''}`,
  );
  process.exit(1);
});
