const SHORT: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
};

/** Control characters (but tab), DEL, and the Unicode line and paragraph separators. */
function breaksLine(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f || code === 0x2028 || code === 0x2029;
}

/**
 * `message` on one line. Error messages quote what a person or a peer sent (a YAML key, a
 * frame, V8's JSON.parse wording, which echoes the input), and a newline or other control
 * character there would break a one-line error (`file:line:col: message`, a log line, a JSON
 * error body read by a person). They are shown escaped, as JSON writes them.
 */
export function oneLine(message: string): string {
  let out = '';
  for (const c of message) {
    const code = c.charCodeAt(0);
    out += breaksLine(code) ? (SHORT[c] ?? `\\u${code.toString(16).padStart(4, '0')}`) : c;
  }
  return out;
}
