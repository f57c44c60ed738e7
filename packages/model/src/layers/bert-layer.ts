import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from '../head/dropout-mask.js';
import { mixSeed } from '@senti/base';
import type { BertConfig } from './bert-config.js';
import { dense as denseOp, matMul } from './fast-matmul.js';

/** The 16 tensors of one layer, in `LAYER_TENSOR_NAMES` order (dense weights [in, out]). */
export type LayerTensors = readonly tf.Tensor[];

/** Dropout inside a layer (training only): rate and the seed of this layer's masks. */
export interface LayerDropout {
  rate: number;
  seed: number;
}

/**
 * One BERT layer (Hugging Face `BertLayer`, post-LayerNorm): masked multi-head self-attention, output dense + residual
 * + LayerNorm, feed-forward with exact GELU, dense + residual + LayerNorm. `x` is [batch * sequence, hidden] (rows
 * grouped by text), `maskBias` [batch, 1, 1, sequence] (0 for tokens, a large negative number for padding). With
 * `dropout`, HF's three dropouts (attention probabilities, both dense outputs) use masks from seeded JS draws, so
 * training is reproducible on every backend. Differentiable; call inside tf.tidy.
 */
export function bertLayer(
  x: tf.Tensor2D,
  maskBias: tf.Tensor4D,
  weights: LayerTensors,
  config: BertConfig,
  batch: number,
  dropout?: LayerDropout,
): tf.Tensor2D {
  const [wq, bq, wk, bk, wv, bv, wo, bo, g1, b1, wi, bi, wf, bf, g2, b2] = weights as tf.Tensor[];
  const heads = config.numAttentionHeads;
  const size = config.hiddenSize / heads;
  const sequence = x.shape[0] / batch;
  const dense = (input: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor2D => denseOp(input, weight, bias);
  const drop = <T extends tf.Tensor>(tensor: T, site: number): T => {
    if (dropout === undefined || dropout.rate === 0) return tensor;
    const mask = dropoutMask(tensor.size, dropout.rate, mixSeed(dropout.seed, site));
    return tf.mul(tensor, tf.tensor(mask, tensor.shape)) as T;
  };
  const query = tf.transpose(tf.reshape(dense(x, wq!, bq!), [batch, sequence, heads, size]), [0, 2, 1, 3]);
  const keyT = tf.transpose(tf.reshape(dense(x, wk!, bk!), [batch, sequence, heads, size]), [0, 2, 3, 1]);
  const value = tf.transpose(tf.reshape(dense(x, wv!, bv!), [batch, sequence, heads, size]), [0, 2, 1, 3]);
  const scores = tf.add(tf.mul(matMul(query as tf.Tensor4D, keyT), 1 / Math.sqrt(size)), maskBias);
  const probabilities = drop(tf.softmax(scores), 1);
  const context = tf.reshape(tf.transpose(matMul(probabilities, value), [0, 2, 1, 3]), [
    batch * sequence,
    config.hiddenSize,
  ]) as tf.Tensor2D;
  const attention = layerNorm(tf.add(drop(dense(context, wo!, bo!), 2), x), g1!, b1!, config.layerNormEps);
  const intermediate = gelu(dense(attention, wi!, bi!));
  return layerNorm(tf.add(drop(dense(intermediate, wf!, bf!), 3), attention), g2!, b2!, config.layerNormEps);
}

/** LayerNorm over the last axis (biased variance, like torch). */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta) as tf.Tensor2D;
}

/** Exact GELU: x/2 * (1 + erf(x / sqrt 2)). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as tf.Tensor2D;
}

/** [batch, 1, 1, sequence] additive attention bias from a [batch, sequence] 0/1 mask (torch's float32 min for padding). */
export function attentionBias(attentionMask: tf.Tensor2D): tf.Tensor4D {
  const [batch, sequence] = attentionMask.shape;
  return tf.reshape(tf.mul(tf.sub(1, tf.cast(attentionMask, 'float32')), -3.4028234663852886e38), [
    batch,
    1,
    1,
    sequence,
  ]) as tf.Tensor4D;
}
