/** An output tensor as transformers.js returns it: `float32` data, or `float16` as Float16Array/Uint16Array bits. */
export interface FloatOutput {
  type?: string;
  data: ArrayLike<number>;
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

/** The output's values as a Float32Array (no copy when already float32); float16 outputs (fp16 models) are widened. */
export function toFloat32(output: FloatOutput): Float32Array {
  const { data } = output;
  if (data instanceof Float32Array) return data;
  // Without a native Float16Array, ONNX Runtime hands float16 tensors over as their raw bits.
  if (data instanceof Uint16Array && output.type === 'float16') return Float32Array.from(data, halfToFloat);
  return Float32Array.from(data);
}
