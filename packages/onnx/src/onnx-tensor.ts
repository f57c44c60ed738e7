import { ModelError } from '@senti/errors';
import { DataType, type OnnxTensor } from './onnx-types.js';

function rawView(tensor: OnnxTensor): Uint8Array | undefined {
  if (tensor.data_location === 1) {
    throw new ModelError(
      'MODEL_ONNX_EXTERNAL_DATA',
      `tensor "${tensor.name}" keeps its data in an external file; only self-contained ONNX files are supported`,
      'input',
    );
  }
  return tensor.raw_data && tensor.raw_data.byteLength > 0 ? tensor.raw_data : undefined;
}

/** The values of a FLOAT tensor (copied, aligned). */
export function tensorToFloat32(tensor: OnnxTensor): Float32Array {
  if (tensor.data_type !== DataType.FLOAT)
    throw new ModelError(
      'MODEL_ONNX_BAD_TENSOR',
      `tensor "${tensor.name}" has data type ${tensor.data_type}, expected FLOAT (1)`,
      'input',
    );
  const raw = rawView(tensor);
  if (raw) {
    const out = new Float32Array(raw.byteLength / 4);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  return Float32Array.from(tensor.float_data ?? []);
}

/** The little-endian bytes of a FLOAT tensor: a view of `raw_data` (no copy, any alignment), or `float_data` packed. */
export function float32Bytes(tensor: OnnxTensor): Uint8Array {
  if (tensor.data_type !== DataType.FLOAT)
    throw new ModelError(
      'MODEL_ONNX_BAD_TENSOR',
      `tensor "${tensor.name}" has data type ${tensor.data_type}, expected FLOAT (1)`,
      'input',
    );
  const raw = rawView(tensor);
  if (raw) return raw;
  const values = Float32Array.from(tensor.float_data ?? []);
  return new Uint8Array(values.buffer);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A FLOAT tensor with raw little-endian data. */
export function float32Tensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): OnnxTensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytesOf(data) };
}

/** An INT8 tensor. */
export function int8Tensor(name: string, dims: readonly number[], values: Int8Array): OnnxTensor {
  return { name, dims: [...dims], data_type: DataType.INT8, raw_data: bytesOf(values) };
}

/** A UINT8 tensor. */
export function uint8Tensor(name: string, dims: readonly number[], values: Uint8Array | readonly number[]): OnnxTensor {
  return { name, dims: [...dims], data_type: DataType.UINT8, raw_data: Uint8Array.from(values) };
}

/** An INT64 tensor. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  const data = BigInt64Array.from(values.map((value) => BigInt(value)));
  return { name, dims: [...dims], data_type: DataType.INT64, raw_data: bytesOf(data) };
}
