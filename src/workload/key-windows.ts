/**
 * Key windows: a long run draws its keys from a fresh key space every `keyWindowMs`
 * (Jepsen's independent keys), `w<n>:<key>` for window n, so that its history can be checked
 * one window at a time (src/experiment/window-check.ts) instead of all at once.
 */

/** The prefix of keys drawn in key window `n`. */
export function keyWindowPrefix(n: number): string {
  return `w${n}:`;
}

/** The key window a key was drawn in, or undefined for a key without a window prefix. */
export function keyWindowOf(key: string): number | undefined {
  const match = /^w(\d+):/.exec(key);
  return match === null ? undefined : Number(match[1]);
}
