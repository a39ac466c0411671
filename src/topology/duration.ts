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

/**
 * Milliseconds as a readable duration that parses back to the same value: the largest unit
 * that shows it with at most two decimals (61000 → 61s, 90000 → 1.5m, 0.5 → 500us).
 */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const amount = ms / UNIT_MS[unit];
    if (Math.abs(amount) >= 1 && isHundredths(amount)) return `${String(amount)}${unit}`;
  }
  if (ms !== 0 && Math.abs(ms) < 1) return `${String(round(ms * 1000))}us`;
  return `${String(round(ms))}ms`;
}

function isHundredths(x: number): boolean {
  return Math.abs(x * 100 - Math.round(x * 100)) < 1e-9;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
