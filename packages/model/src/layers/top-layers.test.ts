import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { loadTokenizer } from '@senti/tokenize';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { readBertConfig, type BertConfig } from './bert-config.js';
import { loadTopLayerWeights } from './layer-weights.js';
import { maxAbsDifference, readLayerGradsFixture } from '../testing/layer-fixtures.js';
import { BertTopLayers } from './top-layers.js';

const fixture = readLayerGradsFixture();
const batch = fixture.input_ids.length;
const sequence = fixture.max_length;
let config: BertConfig;
let onnxLastHiddenState: Float32Array;

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
  config = await readBertConfig(TINY_BERT);
  const session = await ort.InferenceSession.create(await readFile(path.join(TINY_BERT, 'onnx/model.onnx')));
  const feed = (rows: number[][]) =>
    new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [batch, sequence]);
  const outputs = await session.run({
    input_ids: feed(fixture.input_ids),
    attention_mask: feed(fixture.attention_mask),
    token_type_ids: feed(fixture.token_type_ids),
  });
  onnxLastHiddenState = outputs.last_hidden_state!.data as Float32Array;
  await session.release();
});

describe('BertTopLayers (TensorFlow.js BERT layers)', () => {
  it('the fixture ids are what senti tokenizes the sentences to', async () => {
    const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
    const packed = tokenizer.pack(
      fixture.sentences.map((text) => tokenizer.tokenIds(text)),
      { maxLength: sequence, padding: 'max_length', truncation: true },
    );
    expect(Array.from(packed.inputIds, Number)).toEqual(fixture.input_ids.flat());
    expect(Array.from(packed.attentionMask, Number)).toEqual(fixture.attention_mask.flat());
  });

  it('the PyTorch reference forward equals ONNX Runtime (so the two hand-written layers cannot share a bug)', () => {
    expect(maxAbsDifference(onnxLastHiddenState, fixture.states[config.numHiddenLayers]!)).toBeLessThan(1e-5);
  });

  for (const count of [1, 2]) {
    it(`unfreeze ${count}: the top layers' forward equals ONNX Runtime's last_hidden_state within 1e-5, pooler within 1e-5 of PyTorch`, async () => {
      const layers = new BertTopLayers(config, await loadTopLayerWeights(TINY_BERT, config, count, true), 'pooler');
      const before = tf.memory().numTensors;
      const [last, pooled] = tf.tidy(() => {
        const states = tf.tensor2d(fixture.states[config.numHiddenLayers - count]!, [
          batch * sequence,
          config.hiddenSize,
        ]);
        const mask = tf.tensor2d(fixture.attention_mask.flat(), [batch, sequence], 'int32');
        return [layers.forward(states, mask), layers.pool(states, mask)];
      });
      expect(maxAbsDifference(await last.data(), onnxLastHiddenState)).toBeLessThan(1e-5);
      expect(maxAbsDifference(await pooled.data(), fixture.pooled)).toBeLessThan(1e-5);
      tf.dispose([last, pooled]);
      expect(tf.memory().numTensors).toBe(before);
      layers.dispose();
    });
  }

  it('refuses k > L with one clear line', async () => {
    await expect(loadTopLayerWeights(TINY_BERT, config, 3, true)).rejects.toThrow(
      /unfreeze must be an integer from 0 to 2/,
    );
  });
});
