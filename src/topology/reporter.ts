import { parseDuration } from './duration';
import type { FieldPath } from './position';
import { formatField, show } from './schema';

/** Collects semantic mistakes by field path; load.ts turns paths into line:col. */
export interface Reporter {
  error(path: FieldPath, message: string, at?: 'value' | 'key'): void;
  /** "line N" of a field, for messages that point back at an earlier definition. */
  lineOf(path: FieldPath): number;
}

export interface DurationRule {
  /** Allow zero (default true). */
  zero?: boolean;
  /** What the field is, for the negative-value message ("latency" reads better than the path). */
  noun?: string;
}

/**
 * A duration field in ms, or undefined when absent or wrong (and then reported).
 * The schema already rejected malformed strings; this catches negatives and zeros.
 */
export function durationAt(
  report: Reporter,
  path: FieldPath,
  text: string | undefined,
  rule: DurationRule = {},
): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    report.error(path, `${formatField(path)} is not a duration: ${show(text)} (150ms, 2s, 1.5m)`);
    return undefined;
  }
  if (ms < 0) {
    const noun = rule.noun ?? formatField(path);
    report.error(path, `negative ${noun}: ${formatField(path)} is ${text} (a duration ≥ 0)`);
    return undefined;
  }
  if (ms === 0 && rule.zero === false) {
    report.error(path, `${formatField(path)} must be longer than 0 (got ${text})`);
    return undefined;
  }
  return ms;
}
