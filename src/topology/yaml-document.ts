import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { oneLine } from '../core/one-line';
import type { TopologyIssue } from './issue';
import { positionOf, type FieldPath, type SourcePosition } from './position';

/**
 * One hand-written YAML document (a topology, a fault scenario) parsed with its source
 * positions, so that every later check can point at file:line:col. Never throws on bad input:
 * a syntax error, a second document or an empty file comes back as one located issue.
 */
export type ParsedYaml =
  | {
      readonly ok: true;
      readonly data: unknown;
      /** Where a field sits in the source (its value, or with 'key' the key itself). */
      readonly locate: (path: FieldPath, where?: 'value' | 'key') => SourcePosition;
    }
  | { readonly ok: false; readonly issues: TopologyIssue[] };

export interface YamlDocumentMessages {
  /** For an empty file, e.g. "the file is empty (a topology needs regions and replication)". */
  readonly empty: string;
  /** For a second document, e.g. "one topology per file". */
  readonly one: string;
}

/**
 * A hand-written file's text, or one located issue saying why it cannot be read: missing, a
 * directory, or larger than `maxBytes` (anything that big is a mistake, not a topology).
 */
export function readSmallFile(
  file: string,
  maxBytes: number,
  noun: string,
): { ok: true; text: string } | { ok: false; issues: TopologyIssue[] } {
  const failed = (message: string) => ({
    ok: false as const,
    issues: [{ file, line: 1, col: 1, message }],
  });
  try {
    const size = statSync(file).size;
    if (size > maxBytes) {
      return failed(`the file is ${size} bytes; a ${noun} is at most ${maxBytes} bytes`);
    }
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (err as Error).message;
    return failed(`cannot read the ${noun}: ${why}`);
  }
}

export function parseYamlDocument(
  text: string,
  file: string,
  messages: YamlDocumentMessages,
): ParsedYaml {
  const lines = new LineCounter();
  // logLevel 'error': yaml would print warnings (a mapping used as a key) to stderr.
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
  });
  const at = (offset: number, message: string): ParsedYaml => {
    const { line, col } = lines.linePos(offset);
    return { ok: false, issues: [{ file, line, col, message: oneLine(message) }] };
  };
  // An empty stream: yaml returns an EmptyStream, not a list.
  if (!Array.isArray(docs) || docs.length === 0) return at(0, messages.empty);
  // Only the first syntax error: the parser's later ones are mostly echoes of it.
  const syntax = docs.flatMap((doc) => doc.errors)[0];
  if (syntax)
    return at(syntax.pos[0], `YAML syntax error: ${yamlMessage(syntax.code, syntax.message)}`);
  if (docs.length > 1) {
    return at(docs[1].range[0], `${messages.one} (this file has a second YAML document after ---)`);
  }
  const doc = docs[0];
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return at(0, `YAML error: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) return at(0, messages.empty);
  return { ok: true, data, locate: (path, where = 'value') => positionOf(doc, lines, path, where) };
}

/** yaml's messages, with a hint where the bare one leaves a person guessing. */
function yamlMessage(code: string, message: string): string {
  const firstLine = message.split('\n')[0];
  if (code === 'DUPLICATE_KEY') return `${firstLine} (a key appears twice in one mapping)`;
  if (code === 'TAB_AS_INDENT') return `${firstLine} (indent with spaces)`;
  if (
    code === 'BLOCK_AS_IMPLICIT_KEY' ||
    code === 'BAD_INDENT' ||
    code === 'MULTILINE_IMPLICIT_KEY'
  ) {
    return `${firstLine} (check this line's indentation against the line above)`;
  }
  return firstLine;
}
