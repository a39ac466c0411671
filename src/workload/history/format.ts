import { formatEdnHistory, parseEdnHistory } from './edn-history';
import { formatJepsenLog, parseJepsenLog } from './jepsen-log';
import { formatJsonl, parseJsonl, type ParsedHistory } from './jsonl';
import type { HistoryOp } from './op';

/** The history formats geolab reads and writes (DESIGN §5). */
export type HistoryFormat = 'jsonl' | 'edn' | 'edn-lines' | 'jepsen-log';

export const HISTORY_FORMATS: readonly HistoryFormat[] = [
  'jsonl',
  'edn',
  'edn-lines',
  'jepsen-log',
];

/**
 * Guesses a history's format from its first meaningful line: `{"` is JSON Lines, `[`, `(` or
 * `{:` is EDN (a vector, a list, or a map per line), a `jepsen.util` line is a Jepsen log.
 * Undefined when nothing matches (an empty text, or something else).
 */
export function detectFormat(text: string): HistoryFormat | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    if (line.includes('jepsen.util')) return 'jepsen-log';
    if (/^\{\s*"/.test(line)) return 'jsonl';
    if (/^\{\s*:/.test(line)) return 'edn-lines';
    if (line.startsWith('[') || line.startsWith('(')) return 'edn';
    return undefined;
  }
  return undefined;
}

/** Reads a history in `format`, or in the detected one; an empty text is an empty history. */
export function readHistory(text: string, format?: HistoryFormat): ParsedHistory {
  const chosen = format ?? detectFormat(text);
  switch (chosen) {
    case 'jsonl':
      return parseJsonl(text);
    case 'edn':
    case 'edn-lines':
      return parseEdnHistory(text);
    case 'jepsen-log':
      return parseJepsenLog(text);
    case undefined:
      if (text.trim() === '') return { ops: [], lines: [] };
      throw new RangeError(
        'cannot tell the history format from its first line (expected JSON Lines {"process": …}, ' +
          'Jepsen EDN [{:process …} …] or {:process …} per line, or Jepsen log lines); ' +
          'name it with --format',
      );
  }
}

export function writeHistory(ops: readonly HistoryOp[], format: HistoryFormat): string {
  switch (format) {
    case 'jsonl':
      return formatJsonl(ops);
    case 'edn':
      return formatEdnHistory(ops, 'vector');
    case 'edn-lines':
      return formatEdnHistory(ops, 'lines');
    case 'jepsen-log':
      return formatJepsenLog(ops);
  }
}
