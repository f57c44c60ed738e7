import { open, readFile } from 'node:fs/promises';
import { ModelError } from '@senti/errors';
import { halfToFloat } from './half-float.js';

/** One tensor of a checkpoint, widened to float32. */
export interface NamedTensor {
  shape: number[];
  values: Float32Array;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * Reads the tensors of a `.safetensors` file (8-byte little-endian header size, header JSON, raw little-endian data)
 * whose names pass `wanted`; F32, F16 and BF16 are widened to float32.
 */
export async function readSafetensors(
  file: string,
  wanted: (name: string) => boolean = () => true,
): Promise<Map<string, NamedTensor>> {
  const bytes = await readFile(file);
  const bad = (why: string) =>
    new ModelError('MODEL_BAD_SAFETENSORS', `${file} is not a readable safetensors file: ${why}`, 'input');
  if (bytes.length < 8) throw bad('shorter than its 8-byte header size');
  const headerSize = Number(bytes.readBigUInt64LE(0));
  if (headerSize > bytes.length - 8) throw bad(`header size ${headerSize} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerSize).toString('utf8')) as typeof header;
  } catch {
    throw bad('header is not JSON');
  }
  const base = 8 + headerSize;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || !wanted(name)) continue;
    const width = BYTES[entry.dtype];
    if (width === undefined)
      throw bad(`tensor ${name} has dtype ${entry.dtype}; senti reads ${Object.keys(BYTES).join(', ')}`);
    const [start, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * width || base + end > bytes.length) throw bad(`tensor ${name} has a bad data range`);
    tensors.set(name, { shape: entry.shape, values: decode(bytes, base + start, count, entry.dtype) });
  }
  return tensors;
}

function decode(bytes: Buffer, offset: number, count: number, dtype: string): Float32Array {
  const values = new Float32Array(count);
  if (dtype === 'F32') {
    // One copy of the little-endian bytes (every platform Node runs on is little-endian), not a read per value.
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + 4 * count));
  } else if (dtype === 'F16') {
    for (let i = 0; i < count; i += 1) values[i] = halfToFloat(bytes.readUInt16LE(offset + 2 * i));
  } else {
    const view = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i += 1) {
      view.setUint32(0, bytes.readUInt16LE(offset + 2 * i) << 16, true);
      values[i] = view.getFloat32(0, true);
    }
  }
  return values;
}

/** The tensor names of a `.safetensors` file, from its header alone (the data is not read). */
export async function safetensorsTensorNames(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const size = Buffer.alloc(8);
    await handle.read(size, 0, 8, 0);
    const length = Number(size.readBigUInt64LE(0));
    const { size: fileSize } = await handle.stat();
    if (length > fileSize - 8)
      throw new ModelError(
        'MODEL_BAD_SAFETENSORS',
        `${file} is not a readable safetensors file: header size ${length} exceeds the file`,
        'input',
      );
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    return Object.keys(JSON.parse(header.toString('utf8')) as Record<string, unknown>).filter(
      (name) => name !== '__metadata__',
    );
  } finally {
    await handle.close();
  }
}
