/** Rounds a float32 to IEEE 754 half precision (round to nearest even) and returns its 16 bits. */
export function floatToHalf(value: number): number {
  floatView[0] = value;
  const bits = intView[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const rounded = roundShift(mantissa, shift);
    return sign | rounded;
  }
  const rounded = roundShift(mantissa, 13);
  // A carry out of the mantissa bumps the exponent, which is what adding the bit patterns does.
  return sign + ((halfExponent << 10) + rounded);
}

/** Decodes half-precision bits into `target` as float32 (table-free, exact). */
export function halvesToFloats(bits: Uint16Array, target: Float32Array, at = 0): void {
  for (let i = 0; i < bits.length; i += 1) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    target[at + i] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 0x1f
          ? fraction === 0
            ? sign * Infinity
            : NaN
          : sign * (1024 + fraction) * 2 ** (exponent - 25);
  }
}

const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

function roundShift(value: number, shift: number): number {
  const half = 1 << (shift - 1);
  const remainder = value & ((1 << shift) - 1);
  let result = value >>> shift;
  if (remainder > half || (remainder === half && (result & 1) === 1)) result += 1;
  return result;
}

/** Decodes one IEEE 754 half-precision value from its 16 bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
