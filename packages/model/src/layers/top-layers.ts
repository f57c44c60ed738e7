import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '@senti/base';
import type { Pooling } from '../encoder/types.js';
import type { BertConfig } from './bert-config.js';
import { attentionBias, bertLayer } from './bert-layer.js';
import { dense } from './fast-matmul.js';
import { LAYER_TENSOR_NAMES, type LayerParameter, type TopLayerWeights } from './layer-weights.js';

/** Options for one pass through the unfrozen layers. */
export interface TopLayersForwardOptions {
  /** Apply dropout inside the layers (training). Default false. */
  training?: boolean;
  /** Seed of this pass's dropout masks (required for reproducible training). Default 0. */
  seed?: number;
}

/** Dropout inside BERT layers while training (Hugging Face's hidden and attention dropout). */
export const LAYER_DROPOUT = 0.1;

/**
 * The top k BERT layers (and the pooler when pooling is `pooler`) as tfjs variables: from layer-(L-k) hidden states
 * to the sentence vector, differentiable, on whatever backend is active.
 */
export class BertTopLayers {
  /** One variable per tensor, in `names` order (16 per layer, then the pooler's two). */
  readonly variables: tf.Variable[];
  /** Hugging Face names of the variables. */
  readonly names: readonly string[];
  readonly firstLayer: number;
  readonly count: number;

  constructor(
    readonly config: BertConfig,
    weights: TopLayerWeights,
    readonly pooling: Pooling,
    readonly dropout = LAYER_DROPOUT,
  ) {
    this.firstLayer = weights.firstLayer;
    this.count = weights.count;
    const parameters =
      pooling === 'pooler'
        ? weights.parameters
        : weights.parameters.filter((parameter) => !parameter.name.startsWith('pooler.'));
    if (parameters.length !== weights.count * LAYER_TENSOR_NAMES.length + (pooling === 'pooler' ? 2 : 0)) {
      throw new RangeError(
        `pooling ${pooling} with ${weights.count} layers needs ${pooling === 'pooler' ? 'the pooler weights' : 'layer weights only'}`,
      );
    }
    this.names = parameters.map((parameter) => parameter.name);
    this.variables = parameters.map((parameter) =>
      tf.tidy(() => tf.variable(tf.tensor(parameter.values, parameter.shape), true)),
    );
  }

  /** Hidden states after the top layers, [batch * sequence, hidden], from the layer-(L-k) states of the same shape. */
  forward(states: tf.Tensor2D, attentionMask: tf.Tensor2D, options: TopLayersForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const batch = attentionMask.shape[0];
      const bias = attentionBias(attentionMask);
      let x = states;
      for (let layer = 0; layer < this.count; layer += 1) {
        const weights = this.variables.slice(
          layer * LAYER_TENSOR_NAMES.length,
          (layer + 1) * LAYER_TENSOR_NAMES.length,
        );
        const dropout =
          options.training === true && this.dropout > 0
            ? { rate: this.dropout, seed: mixSeed(options.seed ?? 0, 0x1a7e, layer) }
            : undefined;
        x = bertLayer(x, bias, weights, this.config, batch, dropout);
      }
      return x;
    });
  }

  /** Sentence vectors [batch, hidden] from the layer-(L-k) states [batch * sequence, hidden] and the mask [batch, sequence]. */
  pool(states: tf.Tensor2D, attentionMask: tf.Tensor2D, options: TopLayersForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() =>
      poolStates(
        this.forward(states, attentionMask, options),
        attentionMask,
        this.pooling,
        this.variables.slice(this.count * LAYER_TENSOR_NAMES.length),
      ),
    );
  }

  /** Copies of the current values, with names (dense weights [in, out]). */
  async getParameters(): Promise<LayerParameter[]> {
    return Promise.all(
      this.variables.map(async (variable, index) => ({
        name: this.names[index]!,
        shape: [...variable.shape],
        values: Float32Array.from((await variable.data()) as Float32Array),
      })),
    );
  }

  /** Copies of the current values in `variables` order. */
  async getWeights(): Promise<Float32Array[]> {
    return (await this.getParameters()).map((parameter) => parameter.values);
  }

  /** Replace the values (same order and sizes as `getWeights`). */
  setWeights(weights: readonly Float32Array[]): void {
    if (weights.length !== this.variables.length)
      throw new RangeError(`expected ${this.variables.length} layer tensors, got ${weights.length}`);
    this.variables.forEach((variable, index) =>
      tf.tidy(() => variable.assign(tf.tensor(weights[index]!, variable.shape))),
    );
  }

  /** Free the variables. */
  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}

/** The sentence vector of each text from last hidden states [batch * sequence, hidden]: pooler, [CLS] or masked mean. */
export function poolStates(
  states: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  pooling: Pooling,
  pooler: readonly tf.Tensor[],
): tf.Tensor2D {
  const [batch, sequence] = attentionMask.shape;
  const hidden = states.shape[1];
  const byText = tf.reshape(states, [batch, sequence, hidden]);
  if (pooling === 'mean') {
    const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
    return tf.div(tf.sum(tf.mul(byText, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor2D;
  }
  const cls = tf.reshape(tf.slice(byText, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
  if (pooling === 'cls') return cls;
  return tf.tanh(dense(cls, pooler[0]!, pooler[1]!)) as tf.Tensor2D;
}
