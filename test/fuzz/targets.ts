/**
 * The fuzz targets of issue 11 ("bad input, fuzzed"): for each input a person or a peer can
 * hand geolab, an input generator and the property that must hold on every input. Run small in
 * jest (test/fuzz/*.test.ts) and full size by `npm run bench:fuzz` (bench/fuzz.ts).
 *
 * A target's `run` answers 'accepted' or 'rejected' (the input was refused with a fit error)
 * and throws a `PropertyFailure` when the property does not hold; any other exception escaping
 * the code under test is a crash and is rethrown as is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { runCheckers } from '../../src/cli/check';
import { defaultModel } from '../../src/checker/linearizability';
import { decodeClientFrame } from '../../src/core/messages/client-frame';
import { decodeEnvelope } from '../../src/core/messages/envelope';
import { parseControl } from '../../src/dashboard/protocol';
import { parseScenario } from '../../src/faults/load-scenario';
import { startToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/server';
import { parseHttpCall } from '../../src/runtime/live/http-api';
import { parseTopology, type Topology } from '../../src/topology';
import { HistoryError } from '../../src/workload/history/error';
import { readHistory, writeHistory, type HistoryFormat } from '../../src/workload/history/format';
import type { HistoryOp } from '../../src/workload/history/op';
import { applyMutations, damaged, messageProblem, mutated, mutation } from './mutate';

const ROOT = join(__dirname, '..', '..');
const FILE = 'fuzz.yaml';

export type Outcome = 'accepted' | 'rejected';

/** The property does not hold (as opposed to a crash: an exception from the code under test). */
export class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure';
}

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  readonly input: fc.Arbitrary<T>;
  run(input: T): Outcome | Promise<Outcome>;
  /** For targets with a server: start before the first case, close after the last. */
  start?(): Promise<void>;
  close?(): Promise<void>;
}

function fit(message: unknown, where: string): void {
  const problem = messageProblem(message);
  if (problem !== undefined) {
    throw new PropertyFailure(`${where}: message ${problem}: ${JSON.stringify(message)}`);
  }
}

function yamlSeeds(dir: string): unknown[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseYaml(readFileSync(join(ROOT, dir, f), 'utf8')) as unknown);
}

/** Mutated documents as YAML (flow or block style), then possibly damaged as text. */
function yamlInput(seeds: readonly unknown[]): fc.Arbitrary<string> {
  const text = fc.tuple(mutated(seeds), fc.boolean()).map(([doc, flow]) => {
    try {
      return (
        (stringifyYaml(doc, flow ? { collectionStyle: 'flow' } : {}) as string | undefined) ?? ''
      );
    } catch {
      return JSON.stringify(doc) ?? '';
    }
  });
  return fc.oneof({ weight: 9, arbitrary: damaged(text) }, { weight: 1, arbitrary: fc.string() });
}

type LocatedResult =
  | { ok: true }
  | { ok: false; issues: readonly { file: string; line: number; col: number; message: string }[] };

function checkIssues(result: LocatedResult): Outcome {
  if (result.ok) return 'accepted';
  if (result.issues.length === 0) throw new PropertyFailure('rejected with no issue');
  for (const issue of result.issues) {
    if (issue.file !== FILE) throw new PropertyFailure(`issue names file ${issue.file}`);
    if (
      !Number.isInteger(issue.line) ||
      issue.line < 1 ||
      !Number.isInteger(issue.col) ||
      issue.col < 1
    ) {
      throw new PropertyFailure(`issue at ${issue.line}:${issue.col}`);
    }
    fit(issue.message, `${issue.line}:${issue.col}`);
  }
  return 'rejected';
}

// ---- (a) topology files ----------------------------------------------------------------------

export const topologyFiles: FuzzTarget<string> = {
  name: 'topology files',
  input: yamlInput(yamlSeeds('topologies')),
  run: (text) => checkIssues(parseTopology(text, FILE)),
};

// ---- (b) scenario files ----------------------------------------------------------------------

let threeRegionsTopology: Topology | undefined;
function threeRegions(): Topology {
  if (threeRegionsTopology === undefined) {
    const text = readFileSync(join(ROOT, 'topologies', 'three-regions.yaml'), 'utf8');
    const r = parseTopology(text, 'three-regions.yaml');
    if (!r.ok) throw new Error('topologies/three-regions.yaml does not load');
    threeRegionsTopology = r.topology;
  }
  return threeRegionsTopology;
}

export const scenarioFiles: FuzzTarget<{ text: string; against: boolean }> = {
  name: 'scenario files',
  input: fc.record({ text: yamlInput(yamlSeeds('toxics')), against: fc.boolean() }),
  run: ({ text, against }) =>
    checkIssues(parseScenario(text, FILE, against ? threeRegions() : undefined)),
};

// ---- (c) histories ---------------------------------------------------------------------------

/** A small well-formed register history: invoke/complete pairs in time order. */
const historyOps: fc.Arbitrary<HistoryOp[]> = fc
  .array(
    fc.record({
      process: fc.integer({ min: 0, max: 3 }),
      f: fc.constantFrom('read', 'write', 'cas', 'append', 'increment', 'get', 'put'),
      value: fc.integer({ min: 0, max: 4 }),
      other: fc.integer({ min: 0, max: 4 }),
      done: fc.constantFrom('ok', 'fail', 'info', 'none'),
      key: fc.option(fc.constantFrom('a', 'b', 1), { nil: undefined }),
    }),
    { maxLength: 12 },
  )
  .map((calls) => {
    const ops: HistoryOp[] = [];
    let time = 0;
    for (const c of calls) {
      const value =
        c.f === 'cas' ? [c.value, c.other] : c.f === 'read' || c.f === 'get' ? null : c.value;
      const base = { process: c.process, f: c.f, ...(c.key === undefined ? {} : { key: c.key }) };
      ops.push({ ...base, type: 'invoke', value, time: time++ });
      if (c.done !== 'none') {
        const result = c.f === 'read' || c.f === 'get' ? c.other : value;
        ops.push({ ...base, type: c.done, value: result, time: time++ });
      }
    }
    return ops;
  });

const FORMATS: readonly HistoryFormat[] = ['jsonl', 'edn', 'edn-lines', 'jepsen-log'];

const historyInput = fc.oneof(
  // JSON Lines from records mutated as data (wrong types, unknown fields, …), then as text.
  {
    weight: 2,
    arbitrary: fc.record({
      format: fc.constant<HistoryFormat>('jsonl'),
      text: damaged(
        fc
          .tuple(historyOps, fc.array(mutation, { maxLength: 4 }))
          .map(([ops, ms]) => applyMutations(ops, ms))
          .map((ops) =>
            Array.isArray(ops)
              ? ops.map((op) => JSON.stringify(op) ?? 'null').join('\n')
              : (JSON.stringify(ops) ?? ''),
          ),
      ),
    }),
  },
  // Every format written by geolab itself, then damaged as text.
  {
    weight: 3,
    arbitrary: fc.tuple(historyOps, fc.constantFrom(...FORMATS)).chain(([ops, format]) =>
      damaged(
        fc.constant(
          writeHistory(
            // Jepsen log lines carry no key; writeHistory refuses keyed ops for them.
            format === 'jepsen-log' ? ops.map(({ key: _key, ...op }) => op) : ops,
            format,
          ),
        ),
        4,
      ).map((text) => ({ format, text })),
    ),
  },
  { weight: 1, arbitrary: fc.record({ format: fc.constantFrom(...FORMATS), text: fc.string() }) },
);

function expectInputError(
  err: unknown,
  where: string,
  allowed: readonly (new (...a: never[]) => Error)[],
): Outcome {
  if (!allowed.some((kind) => err instanceof kind)) throw err;
  fit((err as Error).message, where);
  return 'rejected';
}

export const histories: FuzzTarget<{ format: HistoryFormat; text: string }> = {
  name: 'histories',
  input: historyInput,
  run: ({ format, text }) => {
    let parsed;
    try {
      parsed = readHistory(text, format);
    } catch (err) {
      return expectInputError(err, 'readHistory', [HistoryError]);
    }
    try {
      const model = defaultModel(parsed.ops, format);
      runCheckers('fuzz', parsed.ops, parsed.lines, {
        format,
        model,
        checkers: ['lin', 'session', 'causal', 'stale'],
        timeLimitMs: 50,
      });
      return 'accepted';
    } catch (err) {
      return expectInputError(err, 'runCheckers', [HistoryError, RangeError]);
    }
  },
};

// ---- (d) peer frames -------------------------------------------------------------------------

interface FrameDecoded {
  ok: boolean;
  error?: { code: unknown; message: unknown };
}

function checkDecoded(r: FrameDecoded): Outcome {
  if (r.ok) return 'accepted';
  if (r.error === undefined || typeof r.error.code !== 'string') {
    throw new PropertyFailure(`rejected without an error code: ${JSON.stringify(r)}`);
  }
  fit(r.error.message, r.error.code);
  return 'rejected';
}

/** A frame as text or bytes: mutated valid frames, damaged text, arbitrary bytes. */
function frameInput(seeds: readonly unknown[]): fc.Arbitrary<string | Uint8Array> {
  const text = damaged(mutated(seeds).map((f) => JSON.stringify(f) ?? 'undefined'));
  return fc.oneof(
    { weight: 6, arbitrary: text },
    { weight: 2, arbitrary: text.map((t) => new TextEncoder().encode(t)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  );
}

const ENVELOPES = [
  {
    v: 1,
    from: 'us-east-1-1',
    to: 'eu-west-1-1',
    type: 'append',
    body: { term: 3, entries: [{ index: 1, op: { f: 'write', key: 'k', value: 1 } }] },
  },
  {
    v: 1,
    from: 'eu-west-1-1',
    to: 'us-east-1-1',
    type: 'vote.reply',
    body: { term: 3, granted: true },
  },
  { v: 1, from: 'a', to: 'b', type: 'geolab.ping', body: null },
];

const frameLimits = fc.record(
  {
    maxBytes: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.constant(1 << 20)),
    maxDepth: fc.integer({ min: 0, max: 64 }),
  },
  { requiredKeys: [] },
);

export const peerFrames: FuzzTarget<{
  frame: string | Uint8Array;
  check: object;
  member: boolean;
}> = {
  name: 'peer frames',
  input: fc.record({ frame: frameInput(ENVELOPES), check: frameLimits, member: fc.boolean() }),
  run: ({ frame, check, member }) =>
    checkDecoded(
      decodeEnvelope(
        frame,
        member ? { ...check, self: 'eu-west-1-1', peers: new Set(['us-east-1-1', 'a']) } : check,
      ),
    ),
};

// ---- (e) client frames and HTTP requests -----------------------------------------------------

const CLIENT_FRAMES = [
  { v: 1, kind: 'ping' },
  {
    v: 1,
    kind: 'request',
    request: { id: 'r1', client: 'c1', region: 'us-east-1', op: { f: 'read', key: 'k' } },
  },
  {
    v: 1,
    kind: 'request',
    request: {
      id: 'r2',
      client: 'c1',
      region: 'us-east-1',
      op: { f: 'write', key: 'k', value: { a: [1] } },
      level: 'LOCAL_QUORUM',
    },
  },
  {
    v: 1,
    kind: 'request',
    request: {
      id: 'r3',
      client: 'c2',
      region: 'eu-west-1',
      op: { f: 'cas', key: 'k', value: [1, 2] },
    },
  },
  {
    v: 1,
    kind: 'request',
    request: {
      id: 'r4',
      client: 'c2',
      region: 'eu-west-1',
      op: { f: 'text', key: 't', value: { index: 0, delete: 1, insert: 'x' } },
    },
  },
  {
    v: 1,
    kind: 'request',
    request: {
      id: 'r5',
      client: 'c2',
      region: 'eu-west-1',
      op: { f: 'increment', key: 'n', value: 2 },
    },
  },
];

export const clientFrames: FuzzTarget<{ frame: string | Uint8Array; limits: object }> = {
  name: 'client frames',
  input: fc.record({ frame: frameInput(CLIENT_FRAMES), limits: frameLimits }),
  run: ({ frame, limits }) => checkDecoded(decodeClientFrame(frame, limits)),
};

const urlPart = fc.oneof(
  fc.constantFrom(
    'k',
    'key-1',
    '%41',
    '%',
    '%E0%A4%A',
    '%00',
    'a%2Fb',
    '..',
    'x'.repeat(300),
    '%F0%9F%98%80',
  ),
  fc.string({ maxLength: 10 }).map(encodeURIComponent),
  fc.string({ maxLength: 10 }),
);

const httpUrl = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('/kv/') },
          { weight: 1, arbitrary: fc.constant('/status') },
          {
            weight: 1,
            arbitrary: fc.constantFrom('/kv//', '/', '//', '/kv', '/KV/', 'http://x/kv/', '*'),
          },
        ),
        urlPart,
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('', '/cas') },
          { weight: 1, arbitrary: fc.constantFrom('/cas/', '/x') },
        ),
        fc.constantFrom(
          '',
          '?consistency=ONE',
          '?consistency=',
          '?consistency=1bad',
          '?consistency=LOCAL_QUORUM&x=1',
          '?%zz',
          '#f',
          '?consistency=' + 'A'.repeat(40),
        ),
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const httpBody = fc.oneof(
  damaged(
    mutated([{ expected: 1, new: 2 }, { a: [1, 2] }, 1, 'v', null]).map(
      (v) => JSON.stringify(v) ?? '',
    ),
  ),
  fc.string({ maxLength: 40 }),
  fc.constant(''),
);

export const clientHttp: FuzzTarget<{ method: string; url: string; body: string }> = {
  name: 'client HTTP requests',
  input: fc.record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('GET', 'PUT', 'POST') },
      { weight: 2, arbitrary: fc.constantFrom('DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get') },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    url: httpUrl,
    body: httpBody,
  }),
  run: ({ method, url, body }) => {
    const call = parseHttpCall(method, url, body);
    if (call.kind !== 'error') return 'accepted';
    if (!Number.isInteger(call.status) || call.status < 400 || call.status > 499) {
      throw new PropertyFailure(`status ${call.status} for a bad request`);
    }
    fit(call.message, String(call.status));
    return 'rejected';
  },
};

// ---- (f) the Toxiproxy API -------------------------------------------------------------------

interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

const PROXY_BODY = { name: 'p1', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true };
const TOXIC_BODIES = [
  {
    name: 't1',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 10 },
  },
  { type: 'bandwidth', stream: 'upstream', attributes: { rate: 1000 } },
  { name: 't2', type: 'timeout', toxicity: 0.5, attributes: { timeout: 0 } },
  { type: 'slicer', attributes: { average_size: 64, size_variation: 8, delay: 10 } },
  { type: 'limit_data', attributes: { bytes: 1024 } },
  { type: 'reset_peer', attributes: { timeout: 10 } },
  { type: 'slow_close', attributes: { delay: 10 } },
];

/**
 * Keep the fuzzer from binding real ports on a shared machine: a `listen` with a concrete
 * port gets port 0 (a malformed one is left as it is, to be refused).
 */
function portZero(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(portZero);
  if (typeof value !== 'object' || value === null) return value;
  const o = { ...(value as Record<string, unknown>) };
  if (typeof o.listen === 'string') o.listen = o.listen.replace(/:0*[1-9]\d{0,4}$/, ':0');
  return o;
}

const apiBody = (seeds: readonly unknown[]): fc.Arbitrary<string> =>
  damaged(
    mutated(seeds).map((v) => JSON.stringify(portZero(v)) ?? ''),
    2,
  );

const apiCall: fc.Arbitrary<ApiCall> = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/proxies'),
    body: apiBody([PROXY_BODY]),
  }),
  fc.record({
    method: fc.constantFrom('POST', 'PATCH'),
    path: fc.constant('/proxies/base'),
    body: apiBody([PROXY_BODY]),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/populate'),
    body: apiBody([[PROXY_BODY], [PROXY_BODY, { ...PROXY_BODY, name: 'p2' }]]),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constantFrom('/proxies/base/toxics', '/proxies/nope/toxics'),
    body: apiBody(TOXIC_BODIES),
  }),
  fc.record({
    method: fc.constantFrom('POST', 'PATCH'),
    path: fc.constantFrom('/proxies/base/toxics/lag', '/proxies/base/toxics/nope'),
    body: apiBody(TOXIC_BODIES),
  }),
  fc.record({
    method: fc.constantFrom('GET', 'DELETE', 'PUT', 'POST'),
    path: fc.oneof(
      fc.constantFrom('/proxies/base', '/proxies/%ZZ', '/proxies/a%2Fb', '/version', '/reset'),
      fc.string({ maxLength: 12 }).map((s) => `/proxies/${encodeURIComponent(s)}`),
    ),
    body: fc.string({ maxLength: 20 }),
  }),
);

/** The embedded server, driven over loopback HTTP as a client would: one server per run. */
export function toxiproxyApi(): FuzzTarget<ApiCall[]> {
  let server: ToxiproxyServer | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (
    method: string,
    path: string,
    body = '',
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      if (server === undefined) throw new Error('the server is not started');
      const req = request(
        `${server.url}${path.startsWith('/') ? path : `/${path}`}`,
        {
          method,
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (p: Buffer) => parts.push(p));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const BASE = { name: 'base', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true };
  const LAG = { name: 'lag', type: 'latency', attributes: { latency: 10 } };
  /** Back to one proxy `base` with one toxic `lag`, whatever the case did. */
  const restore = async (): Promise<void> => {
    const all = JSON.parse((await send('GET', '/proxies')).body) as Record<string, unknown>;
    for (const name of Object.keys(all)) {
      if (name !== 'base') await send('DELETE', `/proxies/${encodeURIComponent(name)}`);
    }
    if (!('base' in all)) await send('POST', '/proxies', JSON.stringify(BASE));
    else
      await send(
        'POST',
        '/proxies/base',
        JSON.stringify({ ...BASE, listen: (all.base as { listen: string }).listen }),
      );
    const toxics = JSON.parse((await send('GET', '/proxies/base/toxics')).body) as {
      name: string;
    }[];
    for (const t of toxics)
      if (t.name !== 'lag')
        await send('DELETE', `/proxies/base/toxics/${encodeURIComponent(t.name)}`);
    if (!toxics.some((t) => t.name === 'lag'))
      await send('POST', '/proxies/base/toxics', JSON.stringify(LAG));
  };
  return {
    name: 'Toxiproxy API',
    input: fc.array(apiCall, { minLength: 1, maxLength: 3 }),
    async start() {
      server = await startToxiproxyServer({ port: 0 });
      await restore();
    },
    async close() {
      agent.destroy();
      await server?.close();
      server = undefined;
    },
    async run(calls) {
      let outcome: Outcome = 'accepted';
      try {
        for (const call of calls) {
          const res = await send(call.method, call.path, call.body);
          if (res.status >= 500 || res.status < 200) {
            throw new PropertyFailure(
              `${call.method} ${call.path} ${call.body} → ${res.status} ${res.body}`,
            );
          }
          if (res.status < 400) continue;
          outcome = 'rejected';
          let error: unknown;
          try {
            error = (JSON.parse(res.body) as { error?: unknown }).error;
          } catch {
            throw new PropertyFailure(`${res.status} with a body that is not JSON: ${res.body}`);
          }
          fit(error, `${call.method} ${call.path} → ${res.status}`);
        }
      } finally {
        await restore();
      }
      return outcome;
    },
  };
}

// ---- (g) dashboard control frames ------------------------------------------------------------

const CONTROLS = [
  {
    type: 'control',
    id: 1,
    control: {
      type: 'partition',
      a: 'us-east-1',
      b: ['eu-west-1'],
      mode: 'blackhole',
      oneWay: false,
    },
  },
  {
    type: 'control',
    id: 2,
    control: { type: 'partition', a: ['us-east-1-1'], mode: 'hold', oneWay: true },
  },
  { type: 'control', id: 3, control: { type: 'heal', fault: 1 } },
  { type: 'control', id: 4, control: { type: 'heal' } },
  {
    type: 'control',
    id: 5,
    control: { type: 'latency', from: 'us-east-1', to: 'eu-west-1', addMs: 200 },
  },
  { type: 'control', id: 6, control: { type: 'kill', node: 'eu-west-1-2' } },
  { type: 'control', id: 7, control: { type: 'restart', node: 'eu-west-1-2' } },
  { type: 'control', id: 8, control: { type: 'sim', action: 'resume', speed: 10 } },
];

export const dashboardControls: FuzzTarget<string> = {
  name: 'dashboard controls',
  input: fc.oneof(
    { weight: 9, arbitrary: damaged(mutated(CONTROLS).map((v) => JSON.stringify(v) ?? '')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  ),
  run: (text) => {
    const r = parseControl(text);
    if (r.ok) return 'accepted';
    fit(r.error, 'parseControl');
    return 'rejected';
  },
};

/** Every target, in the issue's order. */
export function allTargets(): FuzzTarget<never>[] {
  return [
    topologyFiles,
    scenarioFiles,
    histories,
    peerFrames,
    clientFrames,
    clientHttp,
    toxiproxyApi(),
    dashboardControls,
  ] as FuzzTarget<never>[];
}

export interface FuzzFigures {
  readonly target: string;
  readonly cases: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly crashes: number;
  /** The first few failing inputs with what went wrong, for a regression test. */
  readonly failures: readonly string[];
  readonly wallMs: number;
}

/**
 * Runs `numRuns` cases of `target` counting outcomes; a failing case is counted and kept
 * (not shrunk), so that one bug does not hide the figures of the rest.
 */
export async function measure<T>(
  target: FuzzTarget<T>,
  numRuns: number,
  seed: number,
): Promise<FuzzFigures> {
  const counts = { accepted: 0, rejected: 0, crashes: 0 };
  const failures: string[] = [];
  const t0 = performance.now();
  await target.start?.();
  try {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        try {
          counts[await target.run(input)]++;
        } catch (err) {
          counts.crashes++;
          if (failures.length < 5) {
            const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
            failures.push(
              `${fc.stringify(input).slice(0, 2000)}\n  ${why.split('\n').slice(0, 4).join('\n  ')}`,
            );
          }
        }
      }),
      { numRuns, seed },
    );
  } finally {
    await target.close?.();
  }
  const wallMs = performance.now() - t0;
  return { target: target.name, cases: numRuns, ...counts, failures, wallMs };
}

/** For jest: the property as an assertion, so that fast-check shrinks a failure. */
export async function assertTarget<T>(
  target: FuzzTarget<T>,
  numRuns: number,
  seed: number,
): Promise<void> {
  await target.start?.();
  try {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        await target.run(input);
      }),
      { numRuns, seed },
    );
  } finally {
    await target.close?.();
  }
}
