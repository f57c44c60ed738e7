import { describe, expect, it } from 'vitest';
import { escapeControl, quote, quoteList } from './index.js';

describe('quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['la\0bel', '"la\\0bel"'],
    ['a\tb\nc\r', '"a\\tb\\nc\\r"'],
    ['\x1b[31mred', '"\\x1b[31mred"'],
    ['del\x7f', '"del\\x7f"'],
    ['c1\u0085', '"c1\\x85"'],
    ['line\u2028sep', '"line\\u2028sep"'],
    ['lone\ud800', '"lone\\ud800"'],
    ['café 😀', '"café 😀"'],
    [42, '"42"'],
  ])('quotes %j as %s', (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it('shortens very long values and says how long they were', () => {
    const quoted = quote('x'.repeat(1000));
    expect(quoted.length).toBeLessThan(140);
    expect(quoted).toContain('…');
    expect(quoted).toMatch(/\(1000 characters\)$/);
  });

  it('quotes lists and escapes without quoting', () => {
    expect(quoteList(['a', 'b\0'])).toBe('"a", "b\\0"');
    expect(escapeControl('ok\0')).toBe('ok\\0');
  });
});
