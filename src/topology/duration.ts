const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION = /^(-?)([0-9]+(?:\.[0-9]+)?)(us|ms|s|m|h)$/;

/** Parse "150ms", "2s", "1.5m", "500us" into milliseconds; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, sign, amount, unit] = match;
  const ms = Number(amount) * UNIT_MS[unit as string];
  return sign === '-' ? -ms : ms;
}

/** Milliseconds as the shortest readable duration: 0.5ms, 150ms, 2s, 1.5m. */
export function formatDuration(ms: number): string {
  if (ms !== 0 && Math.abs(ms) < 1) return `${round(ms * 1000)}us`;
  if (Math.abs(ms) < 1000) return `${round(ms)}ms`;
  if (Math.abs(ms) < 60_000) return `${round(ms / 1000)}s`;
  if (Math.abs(ms) < 3_600_000) return `${round(ms / 60_000)}m`;
  return `${round(ms / 3_600_000)}h`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
