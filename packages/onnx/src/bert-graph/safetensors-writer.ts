import { writeFileAtomic } from '@senti/base';
import { floatToHalf } from '../half-float.js';

/** One tensor to write: its shape and float32 values. */
export interface SafetensorsEntry {
  shape: readonly number[];
  values: Float32Array;
}

/** How {@link encodeSafetensors} stores the values: as they are (F32), or rounded to nearest-even F16 / BF16. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

const WIDTH: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** The bytes of a `.safetensors` file holding `tensors` (in the order given) as `dtype`. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsEntry> | Iterable<[string, SafetensorsEntry]>,
  dtype: SafetensorsDtype = 'F32',
): Uint8Array[] {
  const header: Record<string, { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] }> = {};
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.values.length)
      throw new RangeError(
        `tensor "${name}": shape [${tensor.shape.join(', ')}] holds ${count} values, got ${tensor.values.length}`,
      );
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + WIDTH[dtype] * count] };
    data.push(encodeValues(tensor.values, dtype));
    offset += WIDTH[dtype] * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // data starts 8-byte aligned, as the reference writer does
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  head.write(json, 8, 'utf8');
  return [head, ...data];
}

/** Writes `tensors` to a `.safetensors` file atomically (test checkpoints, benchmark models). */
export async function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, SafetensorsEntry> | Iterable<[string, SafetensorsEntry]>,
  dtype: SafetensorsDtype = 'F32',
): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, dtype));
}

function encodeValues(values: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const halves = new Uint16Array(values.length);
  if (dtype === 'F16') {
    for (let i = 0; i < values.length; i++) halves[i] = floatToHalf(values[i]!);
  } else {
    const bits = new Uint32Array(Float32Array.from(values).buffer);
    for (let i = 0; i < bits.length; i++) {
      const word = bits[i]!;
      const nan = (word & 0x7fffffff) > 0x7f800000;
      halves[i] = nan ? (word >>> 16) | 0x40 : (word + 0x7fff + ((word >>> 16) & 1)) >>> 16; // round to nearest even
    }
  }
  return new Uint8Array(halves.buffer);
}
