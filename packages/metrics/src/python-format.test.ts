import { describe, expect, it } from 'vitest';
import { codePointLength, formatFixed, padLeft } from './python-format.js';

// Expected strings come from CPython: format(value, '.{digits}f').
const PYTHON_CASES: [number, number, string][] = [
  [0.125, 2, '0.12'],
  [0.375, 2, '0.38'],
  [2.5, 0, '2'],
  [3.5, 0, '4'],
  [1.5, 0, '2'],
  [0.5, 0, '0'],
  [1.005, 2, '1.00'],
  [2.675, 2, '2.67'],
  [0.045, 2, '0.04'],
  [1.0, 2, '1.00'],
  [0.0, 2, '0.00'],
  [-0.0, 2, '-0.00'],
  [-1.25, 1, '-1.2'],
  [0.0625, 3, '0.062'],
  [0.8125, 3, '0.812'],
  [123.456, 10, '123.4560000000'],
  [0.1, 20, '0.10000000000000000555'],
  [1e-7, 3, '0.000'],
  [5e-324, 3, '0.000'],
  [1 / 3, 4, '0.3333'],
  [0.6656760772659732, 2, '0.67'],
  [1e22, 2, '10000000000000000000000.00'],
];

describe('formatFixed', () => {
  it.each(PYTHON_CASES)('formats %s with %i digits like Python', (value, digits, expected) => {
    expect(formatFixed(value, digits)).toBe(expected);
  });

  it('differs from toFixed exactly on binary ties', () => {
    expect((0.125).toFixed(2)).toBe('0.13');
    expect(formatFixed(0.125, 2)).toBe('0.12');
  });

  it('writes nan and inf like Python', () => {
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatFixed(Number.POSITIVE_INFINITY, 2)).toBe('inf');
    expect(formatFixed(Number.NEGATIVE_INFINITY, 2)).toBe('-inf');
  });
});

describe('code point widths', () => {
  it('counts an emoji as one character, as Python does', () => {
    expect(codePointLength('😀')).toBe(1);
    expect(padLeft('😀', 3)).toBe('  😀');
  });
});
