import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '@senti/errors';
import { planLengthBatches } from '../encoder/batching.js';
import { onnxFilePath } from '../encoder/resolve-encoder-file.js';
import type { EncodeTextsOptions, Encoder } from '../encoder/types.js';
import type { StatesEncoder } from './states-encoder.js';
import type { BertTopLayers } from './top-layers.js';

/** The directory holding an encoder's config.json and weights (a local model directory or its Hub cache folder). */
export function encoderModelDir(encoder: Encoder): string {
  if (encoder.source.path !== undefined) return encoder.source.path;
  return path.dirname(path.dirname(onnxFilePath(encoder.source, encoder.info.dtype)));
}

/**
 * An `Encoder` whose sentence vectors come from fine-tuned top layers: the frozen bottom (`states`) gives the
 * layer-(L-k) states of each length-sorted batch, the tuned layers (TensorFlow.js, no dropout) and the pooling finish
 * them. Same interface as the frozen encoder, so prediction, evaluation and the server use it unchanged. Disposing it
 * frees the states encoder, the layers' variables and the base encoder.
 */
export function createTunedEncoder(base: Encoder, states: StatesEncoder, layers: BertTopLayers): Encoder {
  const { tokenizer } = base;
  const extra = tokenizer.special.prefix.length + tokenizer.special.suffix.length;
  const hidden = layers.config.hiddenSize;
  const encode = async (texts: readonly string[], options: EncodeTextsOptions): Promise<Float32Array> => {
    const { maxLength } = options;
    if (!Number.isInteger(maxLength) || maxLength < extra + 1 || maxLength > tokenizer.modelMaxLength) {
      throw new ModelError(
        'MODEL_BAD_MAX_LENGTH',
        `maxLength must be an integer from ${extra + 1} to ${tokenizer.modelMaxLength}, got ${maxLength}`,
        'usage',
      );
    }
    const bodies = texts.map((text) => tokenizer.truncatedTokenIds(text, maxLength - extra)); // long texts cut before tokenizing
    const features = new Float32Array(texts.length * hidden);
    let done = 0;
    for (const batch of planLengthBatches(
      bodies.map((body) => body.length + extra),
      options.batchSize ?? 32,
      maxLength,
    )) {
      const packed = tokenizer.pack(
        batch.indices.map((index) => bodies[index]!),
        { maxLength: batch.sequenceLength, padding: 'max_length', truncation: true },
      );
      const stateValues = await states.run(packed);
      const pooled = tf.tidy(() =>
        layers.pool(
          tf.tensor2d(stateValues, [packed.batchSize * packed.sequenceLength, hidden]),
          tf.tensor2d(
            Int32Array.from(packed.attentionMask, Number),
            [packed.batchSize, packed.sequenceLength],
            'int32',
          ),
        ),
      );
      const values = (await pooled.data()) as Float32Array;
      pooled.dispose();
      batch.indices.forEach((index, row) =>
        features.set(values.subarray(row * hidden, (row + 1) * hidden), index * hidden),
      );
      done += batch.indices.length;
      options.onProgress?.(done, texts.length);
    }
    return features;
  };
  return {
    info: base.info,
    source: base.source,
    tokenizer,
    device: base.device,
    ...(base.layout ? { layout: base.layout } : {}),
    encode,
    dispose: async () => {
      await states.dispose();
      layers.dispose();
      await base.dispose();
    },
  };
}
