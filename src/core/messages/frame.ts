/**
 * The first stage of receiving any frame (peer, client, dashboard): bound its size, decode
 * UTF-8 strictly, parse JSON, and bound its nesting, all before anything looks inside.
 *
 * Why JSON text and not a compact binary encoding: message bodies are mode-defined records
 * (Raft entries, Automerge changes as base64, version vectors), so JSON needs no schema per
 * mode; frames stay readable in Toxiproxy captures, logs and the browser dashboard; ws already
 * validates UTF-8 of text frames; and frames here are small (a lab's payloads are tens of
 * bytes), so JSON's overhead costs little against the WAN latencies being emulated. The
 * bandwidth toxic and the simulator count `utf8Length` of the encoded frame, so the bytes a
 * link carries are the same in both runtimes.
 *
 * Decoding never throws: it returns `Decoded<T>`, and a rejected frame carries a code, a
 * message a person can act on, and the WebSocket close code to close that connection with
 * (RFC 6455 §7.4.1), as websockets/ws does for its own protocol errors.
 */
import type { Json, JsonObject } from '../json';
import { oneLine } from '../one-line';

/** 1 MiB, the bound a frame may reach unless configured otherwise (ws defaults to 100 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/** Nesting beyond this is no legitimate message and would make recursive walkers overflow. */
export const DEFAULT_MAX_DEPTH = 64;

export interface FrameLimits {
  readonly maxBytes?: number;
  readonly maxDepth?: number;
}

export type FrameErrorCode =
  | 'too-large'
  | 'not-utf8'
  | 'not-json'
  | 'too-deep'
  | 'forbidden-key'
  | 'bad-version'
  | 'bad-shape'
  | 'misaddressed'
  | 'unknown-peer';

export const FRAME_ERROR_CODES: readonly FrameErrorCode[] = [
  'too-large',
  'not-utf8',
  'not-json',
  'too-deep',
  'forbidden-key',
  'bad-version',
  'bad-shape',
  'misaddressed',
  'unknown-peer',
];

export interface FrameError {
  readonly code: FrameErrorCode;
  /** What was wrong and where (a field path), for logs and for the peer. */
  readonly message: string;
}

export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FrameError };

export function rejected<T>(code: FrameErrorCode, message: string): Decoded<T> {
  return { ok: false, error: { code, message } };
}

/** RFC 6455 close codes: 1009 message too big, 1007 invalid payload, 1008 policy violation. */
export function closeCode(code: FrameErrorCode): number {
  switch (code) {
    case 'too-large':
      return 1009;
    case 'not-utf8':
    case 'not-json':
      return 1007;
    default:
      return 1008;
  }
}

/** Bytes of the UTF-8 encoding of `text`, without allocating it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A frame's bytes or text → a JSON value within the limits. Objects with an own `__proto__`
 * key are refused: harmless in JSON.parse's output, but one spread or Object.assign away from
 * prototype pollution in whatever handles the body later.
 */
export function parseFrame(data: string | Uint8Array, limits: FrameLimits = {}): Decoded<Json> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  let text: string;
  if (typeof data === 'string') {
    // Each UTF-16 unit is one to three UTF-8 bytes (a surrogate pair, two units, is four):
    // count exactly only when the bounds cannot decide.
    if (data.length > maxBytes || (data.length * 3 > maxBytes && utf8Length(data) > maxBytes)) {
      return rejected('too-large', `frame exceeds ${maxBytes} bytes`);
    }
    text = data;
  } else {
    if (data.byteLength > maxBytes) {
      return rejected('too-large', `frame of ${data.byteLength} bytes exceeds ${maxBytes}`);
    }
    try {
      text = strictUtf8.decode(data);
    } catch {
      return rejected('not-utf8', 'frame is not valid UTF-8');
    }
  }
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (e) {
    return rejected('not-json', `frame is not JSON: ${oneLine((e as Error).message)}`);
  }
  const problem = checkStructure(value, maxDepth);
  return problem ?? { ok: true, value };
}

function checkStructure(root: Json, maxDepth: number): Decoded<Json> | undefined {
  // Two parallel stacks rather than one of pairs: this runs on every frame, and the
  // simulator decodes millions of them.
  const values: Json[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop() as Json;
    const depth = depths.pop() as number;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) return rejected('too-deep', `frame nests deeper than ${maxDepth}`);
    if (Array.isArray(v)) {
      for (const child of v as readonly Json[]) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    if (Object.hasOwn(v, '__proto__')) {
      return rejected('forbidden-key', 'frame has an object with a "__proto__" key');
    }
    for (const key in v) {
      const child = (v as JsonObject)[key];
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}
