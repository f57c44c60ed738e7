/** C0/C1 control characters, DEL, line/paragraph separators and lone surrogates: never printed raw. */
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
};

/** User input made safe to print on one line: control characters become escapes like `\0`, `\n`, `\x1b`. */
export function escapeControl(value: string): string {
  return value.replace(UNPRINTABLE, (character) => {
    const named = NAMED[character];
    if (named !== undefined) return named;
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Longest user value quoted in full; longer ones keep their start and end around an ellipsis. */
const MAX_QUOTED = 120;

/** A user value for an error message: in double quotes, control characters escaped, very long values shortened. */
export function quote(value: unknown): string {
  const raw = String(value);
  const text = escapeControl(raw);
  if (text.length <= MAX_QUOTED) return `"${text}"`;
  return `"${text.slice(0, MAX_QUOTED - 40)}…${text.slice(-30)}" (${raw.length} characters)`;
}

/** Several user values for an error message: each quoted, joined with ", ". */
export function quoteList(values: readonly unknown[]): string {
  return values.map(quote).join(', ');
}
