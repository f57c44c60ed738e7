import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { encodeOnnxModel, readOnnxModel } from '@senti/onnx';
import { readBertConfig } from './bert-config.js';
import { loadTopLayerWeights } from './layer-weights.js';
import { maxAbsDifference, readLayerGradsFixture } from '../testing/layer-fixtures.js';
import { BertTopLayers } from './top-layers.js';
import { withTunedWeights } from './tuned-onnx.js';

const fixture = readLayerGradsFixture();
const batch = fixture.input_ids.length;
const sequence = fixture.max_length;

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

async function run(bytes: Uint8Array): Promise<{ last: Float32Array; pooled: Float32Array }> {
  const session = await ort.InferenceSession.create(bytes);
  const feed = (rows: number[][]) =>
    new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [batch, sequence]);
  const outputs = await session.run({
    input_ids: feed(fixture.input_ids),
    attention_mask: feed(fixture.attention_mask),
    token_type_ids: feed(fixture.token_type_ids),
  });
  const result = {
    last: outputs.last_hidden_state!.data as Float32Array,
    pooled: outputs.pooler_output!.data as Float32Array,
  };
  await session.release();
  return result;
}

describe('withTunedWeights (tuned layers written into the ONNX graph)', () => {
  it('ONNX Runtime on the rewritten graph equals the tuned TensorFlow.js layers within 1e-5', async () => {
    const config = await readBertConfig(TINY_BERT);
    const weights = await loadTopLayerWeights(TINY_BERT, config, 2, true);
    // "Tuned" weights: every tensor changed differently (shared initializers in the export must not leak the change).
    weights.parameters = weights.parameters.map((parameter, index) => ({
      ...parameter,
      values: parameter.values.map((value, i) => value * 1.25 + 0.01 * Math.sin(index * 7 + i)),
    }));
    const layers = new BertTopLayers(config, weights, 'pooler');
    const [last, pooled] = tf.tidy(() => {
      const states = tf.tensor2d(fixture.states[0]!, [batch * sequence, config.hiddenSize]);
      const mask = tf.tensor2d(fixture.attention_mask.flat(), [batch, sequence], 'int32');
      return [layers.forward(states, mask), layers.pool(states, mask)];
    });
    const original = await readOnnxModel(path.join(TINY_BERT, 'onnx/model.onnx'));
    const tuned = await run(encodeOnnxModel(withTunedWeights(original, weights.parameters)));
    const before = await run(encodeOnnxModel(original));
    expect(maxAbsDifference(tuned.last, await last.data())).toBeLessThan(1e-5);
    expect(maxAbsDifference(tuned.pooled, await pooled.data())).toBeLessThan(1e-5);
    expect(maxAbsDifference(before.last, await last.data())).toBeGreaterThan(1e-2);
    tf.dispose([last, pooled]);
    layers.dispose();
  });
});
