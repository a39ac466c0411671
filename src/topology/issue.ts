import { oneLine } from '../core/one-line';
import type { SourcePosition } from './position';

/** One mistake in a topology file, located for a person: file:line:col: message. */
export interface TopologyIssue extends SourcePosition {
  readonly file: string;
  /** What is wrong, then in parentheses what would be right. */
  readonly message: string;
}

export function formatIssue(issue: TopologyIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

/** Issues in source order, each reported once, each message on one line. */
export function sortIssues(issues: readonly TopologyIssue[]): TopologyIssue[] {
  const seen = new Set<string>();
  return issues
    .map((i) => ({ ...i, message: oneLine(i.message) }))
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((i) => {
      const key = formatIssue(i);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
