import type { Readable } from 'node:stream';

/**
 * Newline-delimited text from a stream, each line at most `maxBytes` bytes. node:readline
 * buffers a line until its newline, however long: a child that writes megabytes without one
 * (a bug, or a JSON line gone wrong) would grow its orchestrator's memory without bound. Here
 * a longer line is dropped as it streams by, and `onOverlong` says how many bytes it had.
 */
export function onBoundedLines(
  input: Readable,
  maxBytes: number,
  onLine: (line: string) => void,
  onOverlong: (bytes: number) => void,
): void {
  let parts: Buffer[] = [];
  let size = 0;
  /** Bytes of the current line once it is over the limit (it is being skipped), else -1. */
  let skipped = -1;
  const take = (chunk: Buffer): void => {
    if (skipped >= 0) skipped += chunk.length;
    else if (size + chunk.length > maxBytes) {
      skipped = size + chunk.length;
      parts = [];
      size = 0;
    } else {
      parts.push(chunk);
      size += chunk.length;
    }
  };
  const end = (): void => {
    if (skipped >= 0) onOverlong(skipped);
    else onLine(Buffer.concat(parts, size).toString('utf8').replace(/\r$/, ''));
    parts = [];
    size = 0;
    skipped = -1;
  };
  input.on('data', (data: Buffer | string) => {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10)) {
      take(chunk.subarray(0, at));
      end();
      chunk = chunk.subarray(at + 1);
    }
    if (chunk.length > 0) take(chunk);
  });
  input.on('end', () => {
    if (size > 0 || skipped >= 0) end();
  });
}
