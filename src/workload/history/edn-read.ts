import { Edn, EdnChar, EdnList, EdnMap, EdnSet, EdnSymbol, EdnTagged, Keyword } from './edn';
import { HistoryError } from './error';

/** A top-level EDN form and the line it starts on. */
export interface EdnForm {
  readonly value: Edn;
  readonly line: number;
}

// Characters that end a token (EDN spec: whitespace, commas and delimiters).
const DELIMITERS = new Set([' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', '"', ';']);
const CHAR_NAMES: Record<string, string> = {
  newline: '\n',
  return: '\r',
  space: ' ',
  tab: '\t',
};
const STRING_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
};

/** Reads every top-level form of `text`; errors name the line and what was expected. */
export function readEdn(text: string): EdnForm[] {
  return new EdnReader(text).readAll();
}

class EdnReader {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  readAll(): EdnForm[] {
    const forms: EdnForm[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) return forms;
      const line = this.line;
      forms.push({ value: this.readForm(), line });
    }
  }

  private fail(problem: string, line = this.line): never {
    throw new HistoryError(line, problem);
  }

  private skipBlank(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '\n') {
        this.line++;
        this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
        this.pos++;
      } else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === '#' && t[this.pos + 1] === '_') {
        // `#_form` discards the next form (EDN spec).
        this.pos += 2;
        this.skipBlank();
        this.readForm();
      } else {
        return;
      }
    }
  }

  private readForm(): Edn {
    this.skipBlank();
    const t = this.text;
    if (this.pos >= t.length) this.fail('the text ends where a value was expected');
    const c = t[this.pos];
    switch (c) {
      case '[':
        return this.readSeq(']');
      case '(':
        return new EdnList(this.readSeq(')'));
      case '{':
        return this.readMap();
      case '"':
        return this.readString();
      case '\\':
        return this.readChar();
      case ']':
      case ')':
      case '}':
        return this.fail(`unexpected '${c}' (nothing to close here)`);
      case '#':
        return this.readDispatch();
      default:
        return this.readAtom();
    }
  }

  private readSeq(close: string): Edn[] {
    const open = this.line;
    this.pos++;
    const items: Edn[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) {
        this.fail(`'${close === ']' ? '[' : '('}' opened on line ${open} is never closed`);
      }
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.readForm());
    }
  }

  private readMap(): EdnMap {
    const open = this.line;
    this.pos++;
    const items: Edn[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) this.fail(`'{' opened on line ${open} is never closed`);
      if (this.text[this.pos] === '}') {
        this.pos++;
        break;
      }
      items.push(this.readForm());
    }
    if (items.length % 2 !== 0) {
      this.fail('a map needs an even number of forms (a key without a value)', open);
    }
    const entries: [Edn, Edn][] = [];
    for (let i = 0; i < items.length; i += 2) entries.push([items[i], items[i + 1]]);
    return new EdnMap(entries, open);
  }

  private readString(): string {
    const open = this.line;
    const t = this.text;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.fail(`string opened on line ${open} is never closed`);
      const c = t[this.pos++];
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      if (e === 'u') {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad escape \\u${hex} in a string`);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else if (e !== undefined && e in STRING_ESCAPES) {
        out += STRING_ESCAPES[e];
      } else {
        this.fail(
          `unknown escape \\${e ?? ''} in a string (expected \\n \\t \\r \\" \\\\ \\uXXXX)`,
        );
      }
    }
  }

  private readChar(): EdnChar {
    this.pos++;
    const token = this.readToken();
    if (token.length === 1) return new EdnChar(token);
    if (token in CHAR_NAMES) return new EdnChar(CHAR_NAMES[token]);
    return this.fail(`unknown character literal \\${token}`);
  }

  private readDispatch(): Edn {
    const next = this.text[this.pos + 1];
    if (next === '{') {
      this.pos++;
      return new EdnSet(this.readSeq('}'));
    }
    this.pos++;
    const tag = this.readToken();
    if (tag === '') this.fail(`'#' must start a set #{…}, a discard #_ or a tag such as #inst`);
    return new EdnTagged(tag, this.readForm());
  }

  private readToken(): string {
    const start = this.pos;
    const t = this.text;
    // A token is at least one character, even a delimiter (e.g. the character literal `\(`).
    if (this.pos < t.length) this.pos++;
    while (this.pos < t.length && !DELIMITERS.has(t[this.pos])) this.pos++;
    return t.slice(start, this.pos);
  }

  private readAtom(): Edn {
    const token = this.readToken();
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) {
      if (token.length === 1) this.fail(`':' must start a keyword such as :read`);
      return new Keyword(token.slice(1));
    }
    if (/^[+-]?\d/.test(token)) return this.readNumber(token);
    return new EdnSymbol(token);
  }

  private readNumber(token: string): number {
    // Integers may end in N (arbitrary precision) and floats in M (exact decimal); both are read
    // as doubles, which is exact for the integers Jepsen writes (times in ns fit in 2^53).
    const m = /^([+-]?\d+)N?$/.exec(token);
    if (m) {
      const n = Number(m[1]);
      if (!Number.isSafeInteger(n)) this.fail(`integer ${token} is too large to read exactly`);
      return n;
    }
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ''));
    return this.fail(`'${token}' is not a number`);
  }
}
