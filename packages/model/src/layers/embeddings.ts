import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './bert-config.js';
import { layerNorm } from './bert-layer.js';
import { loadParameters } from './layer-weights.js';

/** Hugging Face names of the embedding tensors, in the order `BertEmbeddings` keeps them. */
export const EMBEDDING_TENSOR_NAMES = [
  'embeddings.word_embeddings.weight',
  'embeddings.position_embeddings.weight',
  'embeddings.token_type_embeddings.weight',
  'embeddings.LayerNorm.weight',
  'embeddings.LayerNorm.bias',
] as const;

/** BERT's embedding layer (word + position + token type, then LayerNorm) as tfjs tensors: the layer-0 input. */
export class BertEmbeddings {
  private constructor(
    private readonly config: BertConfig,
    private readonly tensors: tf.Tensor[],
  ) {}

  /** Loads the embedding tables from the model's `model.safetensors`. */
  static async load(modelDir: string, config: BertConfig): Promise<BertEmbeddings> {
    const parameters = await loadParameters(modelDir, config, EMBEDDING_TENSOR_NAMES);
    return new BertEmbeddings(
      config,
      parameters.map((parameter) => tf.tensor(parameter.values, parameter.shape)),
    );
  }

  /** Layer-0 input states [batch * sequence, hidden] for token ids and token type ids [batch, sequence] (positions 0..S-1). */
  apply(inputIds: tf.Tensor2D, tokenTypeIds: tf.Tensor2D): tf.Tensor2D {
    const [word, position, type, gamma, beta] = this.tensors as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor,
      tf.Tensor,
    ];
    return tf.tidy(() => {
      const [batch, sequence] = inputIds.shape;
      const rows = batch * sequence;
      const words = tf.gather(word, tf.reshape(inputIds, [rows]));
      const types = tf.gather(type, tf.reshape(tokenTypeIds, [rows]));
      const positions = tf.tile(tf.slice(position, [0, 0], [sequence, this.config.hiddenSize]), [batch, 1]);
      return layerNorm(tf.add(tf.add(words, positions), types) as tf.Tensor2D, gamma, beta, this.config.layerNormEps);
    });
  }

  /** Free the tables. */
  dispose(): void {
    tf.dispose(this.tensors);
  }
}
