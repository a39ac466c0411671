/**
 * The script format of cockroachdb/datadriven, as etcd-io/raft's testdata uses it:
 *
 *     # a comment, kept as it is
 *     command arg key=value
 *     ----
 *     expected output, up to the next blank line
 *
 * Running a script re-renders it with the actual output under each command: equal text means
 * the test passes, and the re-rendered text is what `REWRITE=1` writes back.
 */
import { InteractionEnv, ScriptError } from './harness';

interface Directive {
  /** 1-based line of the command. */
  readonly line: number;
  readonly command: string;
  readonly expected: readonly string[];
}

/** The script's lines, with each directive's expected output lifted out. */
type Piece = { readonly text: string } | { readonly directive: Directive };

function parse(text: string, file: string): Piece[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const pieces: Piece[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      pieces.push({ text: line });
      continue;
    }
    if (lines[i + 1] !== '----') {
      throw new ScriptError(`${file}:${i + 2}: expected "----" under the command "${line}"`);
    }
    const expected: string[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j].trim() !== ''; j++) expected.push(lines[j]);
    pieces.push({ directive: { line: i + 1, command: line, expected } });
    i = j - 1;
  }
  return pieces;
}

export interface Mismatch {
  readonly line: number;
  readonly command: string;
  readonly expected: readonly string[];
  readonly actual: readonly string[];
}

/** Runs `text` on a fresh InteractionEnv: the re-rendered script and where it differed. */
export function runScript(
  text: string,
  file: string,
): { rendered: string; mismatches: Mismatch[] } {
  const env = new InteractionEnv();
  const out: string[] = [];
  const mismatches: Mismatch[] = [];
  for (const piece of parse(text, file)) {
    if ('text' in piece) {
      out.push(piece.text);
      continue;
    }
    const { line, command, expected } = piece.directive;
    const [name, ...words] = command.trim().split(/\s+/);
    let actual: string[];
    try {
      actual = env.run(name, words).split('\n');
    } catch (e) {
      if (e instanceof ScriptError) throw new ScriptError(`${file}:${line}: ${e.message}`);
      throw e;
    }
    out.push(command, '----', ...actual);
    if (actual.join('\n') !== expected.join('\n')) {
      mismatches.push({ line, command, expected, actual });
    }
  }
  return { rendered: out.join('\n') + '\n', mismatches };
}

/** A line diff (longest common subsequence): `-` expected only, `+` actual only. */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const n = expected.length;
  const m = actual.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] =
        expected[i] === actual[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push(`  ${expected[i++]}`);
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push(`+ ${actual[j++]}`);
    } else {
      out.push(`- ${expected[i++]}`);
    }
  }
  return out;
}

/** The changed lines of a diff with `context` unchanged lines around each; `...` for the rest. */
function trimContext(diff: readonly string[], context: number): string[] {
  const changed = diff.map((l) => !l.startsWith('  '));
  const near = (i: number) =>
    changed.slice(Math.max(0, i - context), i + context + 1).some((c) => c);
  const out: string[] = [];
  diff.forEach((l, i) => {
    if (near(i)) out.push(l);
    else if (out.at(-1) !== '  ...') out.push('  ...');
  });
  return out;
}

/** Every mismatch as `file:line: command` and its diff, for a test failure a person can read. */
export function describeMismatches(file: string, mismatches: readonly Mismatch[]): string {
  const parts = mismatches.map((m) =>
    [`${file}:${m.line}: ${m.command}`, ...trimContext(lineDiff(m.expected, m.actual), 3)].join(
      '\n',
    ),
  );
  return [
    `${mismatches.length} command(s) printed other than expected (- expected, + actual):`,
    ...parts,
    'If the new behaviour is right, REWRITE=1 npx jest <this test> regenerates the file: read the diff first.',
  ].join('\n\n');
}
