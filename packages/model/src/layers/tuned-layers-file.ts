import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import type { Dtype, Pooling } from '../encoder/types.js';
import type { LayerParameter } from './layer-weights.js';

/** The file beside head.bin holding fine-tuned encoder layers. */
export const TUNED_LAYERS_FILE = 'layers.bin';

/** senti.json's record of fine-tuned layers: which, how the frozen bottom runs, and the checked weights file. */
export interface TunedLayersInfo {
  /** Index of the first tuned layer (L - k). */
  firstLayer: number;
  /** Number of tuned layers k. */
  count: number;
  /** Sentence pooling over the tuned layers' output (the pooler's weights are tuned too when `pooler`). */
  pooling: Pooling;
  /** How the frozen bottom ran in training (`onnx` in the encoder's dtype, or `tfjs` from model.safetensors). */
  statesRoute: 'onnx' | 'tfjs';
  /** Encoder file dtype of the frozen bottom. */
  dtype: Dtype;
  file: string;
  sha256: string;
  /** float32 little-endian tensors, concatenated in this order (dense weights [in, out]). */
  tensors: { name: string; shape: number[] }[];
}

/** The bytes of layers.bin and its manifest entry (without the route fields). */
export function encodeTunedLayers(parameters: readonly LayerParameter[]): {
  bytes: Buffer;
  sha256: string;
  tensors: { name: string; shape: number[] }[];
} {
  const bytes = Buffer.concat(
    parameters.map((parameter) =>
      Buffer.from(parameter.values.buffer, parameter.values.byteOffset, parameter.values.byteLength),
    ),
  );
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    tensors: parameters.map(({ name, shape }) => ({ name, shape: [...shape] })),
  };
}

/** Reads and checks layers.bin against its manifest entry. */
export async function readTunedLayers(dir: string, info: TunedLayersInfo): Promise<LayerParameter[]> {
  const file = path.join(dir, info.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new ModelError('MODEL_CORRUPT', `${file} is missing; the model in ${dir} is incomplete`, 'input', { cause });
  }
  const sizes = info.tensors.map((tensor) => tensor.shape.reduce((a, b) => a * b, 1));
  if (
    bytes.length !== sizes.reduce((a, b) => a + b, 0) * 4 ||
    createHash('sha256').update(bytes).digest('hex') !== info.sha256
  ) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${file} does not match its sha256 in senti.json; the model is damaged, train or copy it again`,
      'input',
    );
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  return info.tensors.map((tensor, index) => ({
    name: tensor.name,
    shape: tensor.shape,
    values: all.slice(offset, (offset += sizes[index]!)),
  }));
}
