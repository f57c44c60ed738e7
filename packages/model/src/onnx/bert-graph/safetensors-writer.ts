import { writeFileAtomic } from '@senti/base';

/** One tensor to write: its shape and float32 values (stored as F32). */
export interface SafetensorsEntry {
  shape: readonly number[];
  values: Float32Array;
}

/** The bytes of a `.safetensors` file holding `tensors` as F32, in the order given (the header's offsets in order). */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafetensorsEntry> | Iterable<[string, SafetensorsEntry]>): Uint8Array[] {
  const header: Record<string, { dtype: 'F32'; shape: number[]; data_offsets: [number, number] }> = {};
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.values.length) throw new RangeError(`tensor "${name}": shape [${tensor.shape.join(', ')}] holds ${count} values, got ${tensor.values.length}`);
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + 4 * count] };
    data.push(new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength));
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // data starts 8-byte aligned, as the reference writer does
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  head.write(json, 8, 'utf8');
  return [head, ...data];
}

/** Writes `tensors` to a `.safetensors` file (F32, atomically): test checkpoints, benchmark models. */
export async function writeSafetensors(file: string, tensors: ReadonlyMap<string, SafetensorsEntry> | Iterable<[string, SafetensorsEntry]>): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors));
}
