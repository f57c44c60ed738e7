import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch } from '@senti/tokenize';
import { fileSha256 } from '../encoder/file-hash.js';
import type { BertConfig } from './bert-config.js';
import { bertLayer, attentionBias } from './bert-layer.js';
import { BertEmbeddings } from './embeddings.js';
import { checkUnfreezeCount, layerRangeNames, LAYER_TENSOR_NAMES, loadParameters } from './layer-weights.js';

/** What identifies a text's layer states: same identity, same states. */
export interface StatesIdentity {
  /** How the frozen part runs: ONNX Runtime (`onnx`) or TensorFlow.js from the safetensors weights (`tfjs`). */
  route: 'onnx' | 'tfjs';
  /** sha256 of the weights file used (the ONNX file or model.safetensors). */
  fileHash: string;
  /** Index of the first unfrozen layer: the states are this layer's input (0 = embedding output). */
  firstLayer: number;
  hiddenSize: number;
}

/** Runs the frozen bottom of an encoder: token ids in, layer-(L-k) hidden states out. */
export interface StatesEncoder {
  readonly identity: StatesIdentity;
  /** Row-major states [batch, sequence, hidden] of a padded batch. */
  run(batch: EncodedBatch): Promise<Float32Array>;
  /** Free what it holds. */
  dispose(): Promise<void>;
}

/**
 * The frozen bottom in TensorFlow.js: embeddings and layers [0, firstLayer) from `model.safetensors` (no gradients).
 * Used for k = L (only the embeddings) and wherever the ONNX route is not available.
 */
export async function createTfjsStatesEncoder(
  modelDir: string,
  config: BertConfig,
  firstLayer: number,
): Promise<StatesEncoder> {
  checkUnfreezeCount(config.numHiddenLayers - firstLayer, config, modelDir);
  const embeddings = await BertEmbeddings.load(modelDir, config);
  const parameters = await loadParameters(modelDir, config, layerRangeNames(0, firstLayer));
  const tensors = parameters.map((parameter) => tf.tensor(parameter.values, parameter.shape));
  const fileHash = await fileSha256(path.join(modelDir, 'model.safetensors'));
  return {
    identity: { route: 'tfjs', fileHash, firstLayer, hiddenSize: config.hiddenSize },
    async run(batch) {
      const states = tf.tidy(() => {
        const shape: [number, number] = [batch.batchSize, batch.sequenceLength];
        const int = (values: BigInt64Array) => tf.tensor2d(Int32Array.from(values, Number), shape, 'int32');
        const mask = int(batch.attentionMask);
        const bias = attentionBias(mask);
        let x = embeddings.apply(int(batch.inputIds), int(batch.tokenTypeIds));
        for (let layer = 0; layer < firstLayer; layer += 1) {
          x = bertLayer(
            x,
            bias,
            tensors.slice(layer * LAYER_TENSOR_NAMES.length, (layer + 1) * LAYER_TENSOR_NAMES.length),
            config,
            batch.batchSize,
          );
        }
        return x;
      });
      try {
        return Float32Array.from((await states.data()) as Float32Array);
      } finally {
        states.dispose();
      }
    },
    async dispose() {
      embeddings.dispose();
      tf.dispose(tensors);
    },
  };
}
