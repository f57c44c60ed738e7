/**
 * Number and string formatting that matches Python's `format()` byte for byte: `{:.Nf}` rounds the exact binary
 * value half-to-even (JavaScript's `toFixed` rounds exact ties up, e.g. 0.125 -> "0.13" where Python gives "0.12"),
 * and widths count code points, not UTF-16 units.
 */

const float64 = new DataView(new ArrayBuffer(8));

/** Splits a finite double into an exact `mantissa * 2 ** exponent` with a BigInt mantissa. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  float64.setFloat64(0, value);
  const high = float64.getUint32(0);
  const low = float64.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** Formats `value` like Python's `format(value, '.{digits}f')`. */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0)
    throw new RangeError(`digits must be a non-negative integer, got ${digits}`);
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const negative = value < 0 || Object.is(value, -0);
  const { mantissa, exponent } = decompose(Math.abs(value));
  const scale = 10n ** BigInt(digits);
  let rounded: bigint;
  if (exponent >= 0) {
    rounded = (mantissa << BigInt(exponent)) * scale;
  } else {
    const denominator = 1n << BigInt(-exponent);
    const numerator = mantissa * scale;
    rounded = numerator / denominator;
    const twiceRemainder = 2n * (numerator % denominator);
    if (twiceRemainder > denominator || (twiceRemainder === denominator && rounded % 2n === 1n)) rounded += 1n;
  }
  let text = rounded.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, '0');
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return negative ? `-${text}` : text;
}

/** Number of code points, which is what Python's `len()` and format widths count. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Right-justifies `text` to `width` code points, like Python's `'{:>{width}}'`. */
export function padLeft(text: string, width: number): string {
  const missing = width - codePointLength(text);
  return missing > 0 ? ' '.repeat(missing) + text : text;
}

/** Left-justifies `text` to `width` code points, like Python's `'{:<{width}}'`. */
export function padRight(text: string, width: number): string {
  const missing = width - codePointLength(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}
