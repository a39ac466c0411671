/**
 * The dashboard's WebSocket protocol (`/ws` on the dashboard server): JSON text frames.
 * The server (the orchestrator of a live run, or the simulator) pushes a `hello`, then a
 * `state` about every 500 ms and an `event` whenever something happens; the browser sends
 * `control` frames, each answered by an `ack` with the same `id`. Every frame the server
 * receives is size-limited and validated (parseControl) before anything acts on it.
 */

import { oneLine } from '../core/one-line';

/** The most bytes a browser frame may have; bigger ones close the socket (1009). */
export const MAX_CONTROL_FRAME_BYTES = 4096;

export interface HelloFrame {
  readonly type: 'hello';
  readonly runtime: 'live' | 'sim';
  readonly topology: {
    readonly name: string;
    /** The mode's short id (DESIGN §4): raft, leaderless:QUORUM, … */
    readonly mode: string;
    readonly regions: readonly { readonly name: string; readonly nodes: readonly string[] }[];
    /** Configured RTTs (ms): each region pair once, and inside each region. */
    readonly rtt: readonly { readonly a: string; readonly b: string; readonly ms: number }[];
  };
  /** Simulator runs can be paused, stepped and sped up. */
  readonly clock: 'real' | 'virtual';
  /** Where `measuredMs` comes from, in words (e.g. the simulator reports configured + faults). */
  readonly measured?: string;
  /** Set when the page should play a guided story (`geolab demo partition`). */
  readonly demo?: { readonly story: 'partition' };
}

export interface NodeState {
  readonly id: string;
  readonly region: string;
  /** Raft's leader/follower/candidate, primary/backup, or `replica`; `down` when killed. */
  readonly role: string;
  readonly up: boolean;
  readonly term: number | null;
  readonly commitIndex: number | null;
  /** How far behind the most advanced replica (ms or entries, mode-specific), when known. */
  readonly lag: number | null;
  readonly keys: number | null;
}

export interface LinkState {
  /**
   * Region names; `from` → `to` (one direction; both directions are listed). `from` equal to
   * `to` is the links inside that region, between its own replicas.
   */
  readonly from: string;
  readonly to: string;
  readonly configuredMs: number;
  /** Round-trip latency measured on the link recently (ms), or null. */
  readonly measuredMs: number | null;
  /** Bytes from `from` to `to` are cut (blackhole, hold or refuse). */
  readonly cut: boolean;
  /** Latency added by a fault, on top of the configured (ms). */
  readonly addedMs: number;
}

export interface RegionStats {
  readonly region: string;
  readonly opsPerSec: number;
  readonly errorsPerSec: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly staleReads: number;
  readonly conflicts: number;
}

export interface ActiveFault {
  /** The handle a `heal` control lifts it by. */
  readonly id: number;
  readonly kind: string;
  readonly detail: string;
  readonly startMs: number;
}

export interface StateFrame {
  readonly type: 'state';
  /** ms since the run started (virtual in the simulator). */
  readonly t: number;
  readonly nodes: readonly NodeState[];
  readonly links: readonly LinkState[];
  readonly stats: readonly RegionStats[];
  readonly faults: readonly ActiveFault[];
  /** Simulator only. */
  readonly sim?: { readonly paused: boolean; readonly speed: number };
}

export type EventKind =
  | 'partition'
  | 'heal'
  | 'latency'
  | 'kill'
  | 'restart'
  | 'election'
  | 'step-down'
  | 'conflict'
  | 'checker'
  | 'info';

export interface EventFrame {
  readonly type: 'event';
  readonly t: number;
  readonly kind: EventKind;
  /** In plain words: "eu-west-1 cut off; raft leader in us-east-1 keeps quorum". */
  readonly text: string;
}

export interface AckFrame {
  readonly type: 'ack';
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

export type ServerFrame = HelloFrame | StateFrame | EventFrame | AckFrame;

/** What the browser may ask for. Groups are region names or node ids. */
export type Control =
  | {
      readonly type: 'partition';
      readonly a: readonly string[];
      /** Absent: `a` against everyone else. */
      readonly b?: readonly string[];
      readonly mode: 'blackhole' | 'hold' | 'refuse';
      readonly oneWay: boolean;
    }
  /** Lift one fault by its id, or every fault. */
  | { readonly type: 'heal'; readonly fault?: number }
  | { readonly type: 'latency'; readonly from: string; readonly to: string; readonly addMs: number }
  | { readonly type: 'kill' | 'restart'; readonly node: string }
  | { readonly type: 'sim'; readonly action: 'pause' | 'resume' | 'step'; readonly speed?: number };

export interface ControlFrame {
  readonly type: 'control';
  readonly id: number;
  readonly control: Control;
}

export type ParsedControl =
  | { readonly ok: true; readonly frame: ControlFrame }
  | { readonly ok: false; readonly error: string };

/** Names (regions, node ids) are short plain identifiers. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const MAX_GROUP = 64;
/** The most latency a control may add to a link (ms): a minute is already an outage. */
export const MAX_ADDED_LATENCY_MS = 60_000;
export const MAX_SIM_SPEED = 1000;

type Fields = Record<string, unknown>;

/**
 * Validate a browser frame strictly: JSON, at most MAX_CONTROL_FRAME_BYTES, exactly the
 * fields of one ControlFrame (an unknown field is an error, not ignored), each of its type
 * and range. The error names the field and says what would be right.
 */
export function parseControl(text: string): ParsedControl {
  if (new TextEncoder().encode(text).length > MAX_CONTROL_FRAME_BYTES) {
    return bad(`frame is over ${MAX_CONTROL_FRAME_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('frame is not JSON');
  }
  if (!isObject(value)) return bad('frame must be a JSON object');
  const extra = unknownField(value, ['type', 'id', 'control']);
  if (extra) return bad(`unknown field ${extra}`);
  if (value.type !== 'control') return bad('type must be "control"');
  const id = value.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return bad('id must be an integer >= 0');
  }
  const control = parseControlBody(value.control);
  if (typeof control === 'string') return bad(`control${control}`);
  return { ok: true, frame: { type: 'control', id, control } };
}

/** The Control, or an error as a field path suffix and message (".a[0]: …"). */
function parseControlBody(c: unknown): Control | string {
  if (!isObject(c)) return ': must be an object';
  switch (c.type) {
    case 'partition': {
      const extra = unknownField(c, ['type', 'a', 'b', 'mode', 'oneWay']);
      if (extra) return `: unknown field ${extra}`;
      const a = group(c.a, '.a');
      if (typeof a === 'string') return a;
      const b = c.b === undefined ? undefined : group(c.b, '.b');
      if (typeof b === 'string') return b;
      if (c.mode !== 'blackhole' && c.mode !== 'hold' && c.mode !== 'refuse') {
        return '.mode: must be "blackhole", "hold" or "refuse"';
      }
      if (typeof c.oneWay !== 'boolean') return '.oneWay: must be true or false';
      return b === undefined
        ? { type: 'partition', a, mode: c.mode, oneWay: c.oneWay }
        : { type: 'partition', a, b, mode: c.mode, oneWay: c.oneWay };
    }
    case 'heal': {
      const extra = unknownField(c, ['type', 'fault']);
      if (extra) return `: unknown field ${extra}`;
      if (c.fault === undefined) return { type: 'heal' };
      if (typeof c.fault !== 'number' || !Number.isSafeInteger(c.fault) || c.fault < 0) {
        return '.fault: must be a fault id (an integer >= 0)';
      }
      return { type: 'heal', fault: c.fault };
    }
    case 'latency': {
      const extra = unknownField(c, ['type', 'from', 'to', 'addMs']);
      if (extra) return `: unknown field ${extra}`;
      const from = name(c.from, '.from');
      if (from.startsWith('.')) return from;
      const to = name(c.to, '.to');
      if (to.startsWith('.')) return to;
      const addMs = c.addMs;
      if (typeof addMs !== 'number' || !Number.isFinite(addMs) || addMs < 0) {
        return '.addMs: must be a number of ms >= 0';
      }
      if (addMs > MAX_ADDED_LATENCY_MS) return `.addMs: at most ${MAX_ADDED_LATENCY_MS} ms`;
      return { type: 'latency', from, to, addMs };
    }
    case 'kill':
    case 'restart': {
      const extra = unknownField(c, ['type', 'node']);
      if (extra) return `: unknown field ${extra}`;
      const node = name(c.node, '.node');
      if (node.startsWith('.')) return node;
      return { type: c.type, node };
    }
    case 'sim': {
      const extra = unknownField(c, ['type', 'action', 'speed']);
      if (extra) return `: unknown field ${extra}`;
      if (c.action !== 'pause' && c.action !== 'resume' && c.action !== 'step') {
        return '.action: must be "pause", "resume" or "step"';
      }
      if (c.speed === undefined) return { type: 'sim', action: c.action };
      const speed = c.speed;
      if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
        return '.speed: must be a number > 0';
      }
      if (speed > MAX_SIM_SPEED) return `.speed: at most ${MAX_SIM_SPEED}`;
      return { type: 'sim', action: c.action, speed };
    }
    default:
      return '.type: must be partition, heal, latency, kill, restart or sim';
  }
}

function group(value: unknown, path: string): string[] | string {
  if (!Array.isArray(value) || value.length === 0) {
    return `${path}: must be a non-empty list of region names or node ids`;
  }
  if (value.length > MAX_GROUP) return `${path}: at most ${MAX_GROUP} names`;
  const out: string[] = [];
  for (const [i, v] of value.entries()) {
    const n = name(v, `${path}[${i}]`);
    if (n.startsWith('.')) return n;
    out.push(n);
  }
  return out;
}

/** The name, or an error starting with the field path (names never start with "."). */
function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    return `${path}: must be a region name or node id (letters, digits, . _ : -; at most 100)`;
  }
  return value;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownField(value: Fields, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((k) => !allowed.includes(k));
}

function bad(error: string): ParsedControl {
  // Errors name the frame's own fields, which may hold a newline: keep them on one line.
  return { ok: false, error: oneLine(error) };
}
