import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import type { ModelSource } from '@senti/tokenize';
import { isEncoderDtypeAvailable, ONNX_FILES, resolveEncoderFile } from '../encoder/resolve-encoder-file.js';
import type { Dtype } from '../encoder/types.js';
import type { BertConfig } from './bert-config.js';
import { loadTopLayerWeights, type TopLayerWeights } from './layer-weights.js';
import { createOnnxStatesEncoder } from './onnx-states-encoder.js';
import { loadTopLayerWeightsFromOnnx } from './onnx-layer-weights.js';
import { createTfjsStatesEncoder, type StatesEncoder } from './states-encoder.js';

/** The top layers' starting weights: `model.safetensors` when present, else the fp32 ONNX initializers. */
export async function loadUnfrozenWeights(
  modelDir: string,
  config: BertConfig,
  count: number,
  withPooler: boolean,
): Promise<TopLayerWeights> {
  if (existsSync(path.join(modelDir, 'model.safetensors')))
    return loadTopLayerWeights(modelDir, config, count, withPooler);
  const onnx = path.join(modelDir, 'onnx', ONNX_FILES.fp32);
  if (existsSync(onnx)) return loadTopLayerWeightsFromOnnx(onnx, config, count, withPooler);
  throw new ModelError(
    'MODEL_NO_LAYER_WEIGHTS',
    `unfreezing layers needs fp32 weights, but "${modelDir}" has neither model.safetensors nor onnx/${ONNX_FILES.fp32} (an int8 model cannot be fine-tuned)`,
    'input',
  );
}

/** Options for {@link createStatesEncoder}. */
export interface StatesEncoderOptions {
  /** Which ONNX file runs the frozen bottom. Default fp32. */
  dtype?: Dtype;
  /** `onnx` (default when the file exists) or `tfjs` (embeddings and frozen layers from model.safetensors). */
  route?: 'onnx' | 'tfjs';
  threads?: number;
}

/**
 * The frozen bottom of the encoder up to layer `firstLayer`: ONNX Runtime on the fp32 encoder graph of the model's
 * layout (its export, the masked-LM export cut, or the graph senti writes from safetensors; int8 and fp32 runs share
 * it) or the dtype's own published file (fp16, q8), else TensorFlow.js from safetensors.
 */
export async function createStatesEncoder(
  modelDir: string,
  config: BertConfig,
  firstLayer: number,
  options: StatesEncoderOptions = {},
): Promise<StatesEncoder> {
  const dtype = options.dtype === undefined || options.dtype === 'int8' ? 'fp32' : options.dtype;
  const route = options.route ?? (isEncoderDtypeAvailable(dirSource(modelDir), dtype) ? 'onnx' : 'tfjs');
  if (route === 'onnx') {
    // Mean pooling asks for the whole graph; the states are taken below the last layer's query anyway.
    const { file } = await resolveEncoderFile(dirSource(modelDir), dtype, 'cpu', { pooling: 'mean' }).catch(
      (error: unknown) => {
        throw new ModelError(
          'MODEL_ENCODER_FILE_MISSING',
          `the frozen layers of ${modelDir} cannot run in ONNX Runtime: ${error instanceof Error ? error.message : String(error)}`,
          'input',
          { cause: error },
        );
      },
    );
    return createOnnxStatesEncoder(file, config, firstLayer, { threads: options.threads });
  }
  return createTfjsStatesEncoder(modelDir, config, firstLayer);
}

function dirSource(modelDir: string): ModelSource {
  return { kind: 'dir', id: modelDir, path: modelDir, offline: true };
}
