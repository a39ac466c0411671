/**
 * Binary CRDT changes travel inside JSON peer messages and log entries as base64 (RFC 4648
 * §4, with padding). Node's Buffer does the work: both runtimes are Node processes.
 */
import { ShapeError } from '../../../core/messages/shape';
import type { Json } from '../../../core/json';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Bytes from base64 text; Buffer would skip invalid characters silently, so check first. */
export function readBase64(v: Json | undefined, path: string): Uint8Array {
  if (typeof v !== 'string' || v.length === 0 || !BASE64.test(v)) {
    throw new ShapeError(path, 'non-empty base64 text', v);
  }
  const b = Buffer.from(v, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** How many bytes base64 text of this length decodes to (for byte accounting). */
export function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
