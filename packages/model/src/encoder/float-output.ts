import { halfToFloat } from '@senti/onnx';

/** An output tensor as transformers.js returns it: `float32` data, or `float16` as Float16Array/Uint16Array bits. */
export interface FloatOutput {
  type?: string;
  data: ArrayLike<number>;
}

/** The output's values as a Float32Array (no copy when already float32); float16 outputs (fp16 models) are widened. */
export function toFloat32(output: FloatOutput): Float32Array {
  const { data } = output;
  if (data instanceof Float32Array) return data;
  // Without a native Float16Array, ONNX Runtime hands float16 tensors over as their raw bits.
  if (data instanceof Uint16Array && output.type === 'float16') return Float32Array.from(data, halfToFloat);
  return Float32Array.from(data);
}
