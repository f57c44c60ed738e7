import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTokenizer, type SentiTokenizer } from '@senti/tokenize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { readBertConfig, type BertConfig } from './bert-config.js';
import { encodeLayerStates } from './encode-layer-states.js';
import { LayerStateStore } from './layer-state-store.js';
import { createTfjsStatesEncoder } from './states-encoder.js';
import { createOnnxStatesEncoder } from './onnx-states-encoder.js';
import { loadTopLayerWeightsFromOnnx } from './onnx-layer-weights.js';
import { loadTopLayerWeights } from './layer-weights.js';
import { maxAbsDifference, readLayerGradsFixture } from '../testing/layer-fixtures.js';

const fixture = readLayerGradsFixture();
let config: BertConfig;
let tokenizer: SentiTokenizer;
let dir: string;

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
  config = await readBertConfig(TINY_BERT);
  tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
  dir = await mkdtemp(path.join(tmpdir(), 'senti-layer-states-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The fixture's states of sentence `row`, real tokens only. */
function fixtureRow(layer: number, row: number): number[] {
  const { max_length: sequence } = fixture;
  const tokens = fixture.attention_mask[row]!.reduce((a, b) => a + b, 0);
  const start = row * sequence * config.hiddenSize;
  return fixture.states[layer]!.slice(start, start + tokens * config.hiddenSize);
}

describe('layer states: frozen bottom, on-disk store', () => {
  for (const firstLayer of [0, 1]) {
    it(`layer-${firstLayer} input states equal PyTorch's within 1e-5 and round-trip through an fp32 store exactly`, async () => {
      const encoder = await createTfjsStatesEncoder(TINY_BERT, config, firstLayer);
      const store = await LayerStateStore.open(dir, encoder.identity, fixture.max_length, 'fp32');
      const { keys, computed } = await encodeLayerStates({
        texts: fixture.sentences,
        tokenizer,
        encoder,
        store,
        maxLength: fixture.max_length,
        batchSize: 2,
      });
      expect(computed).toBe(fixture.sentences.length);
      fixture.sentences.forEach((_, row) => {
        const batch = store.readBatch([keys[row]!]);
        expect(maxAbsDifference(batch.states, fixtureRow(firstLayer, row))).toBeLessThan(1e-5);
      });
      // A batch is padded to its longest text, with the mask marking the real tokens.
      const batch = store.readBatch(keys);
      expect(batch.sequenceLength).toBe(fixture.max_length);
      expect(Array.from(batch.attentionMask)).toEqual(fixture.attention_mask.flat());
      store.close();
      const reopened = await LayerStateStore.open(dir, encoder.identity, fixture.max_length, 'fp32');
      expect(
        (
          await encodeLayerStates({
            texts: fixture.sentences,
            tokenizer,
            encoder,
            store: reopened,
            maxLength: fixture.max_length,
          })
        ).computed,
      ).toBe(0);
      expect(reopened.readBatch(keys).states).toEqual(batch.states);
      reopened.close();
      await encoder.dispose();
    });
  }

  it('fp16 states stay within half-precision rounding; a truncated segment is discarded and recomputed', async () => {
    const encoder = await createTfjsStatesEncoder(TINY_BERT, config, 1);
    const store = await LayerStateStore.open(dir, encoder.identity, fixture.max_length, 'fp16');
    const { keys } = await encodeLayerStates({
      texts: fixture.sentences,
      tokenizer,
      encoder,
      store,
      maxLength: fixture.max_length,
    });
    const row = store.readBatch([keys[0]!]).states;
    const expected = fixtureRow(1, 0);
    const worst = Math.max(
      ...expected.map((value, i) => Math.abs(row[i]! - value) / Math.max(Math.abs(value), 2 ** -14)),
    );
    expect(worst).toBeLessThan(2 ** -11);
    expect(worst).toBeGreaterThan(0);
    store.close();
    const [segment] = (await readdir(store.dir)).filter((name) => name.endsWith('.lss'));
    await truncate(path.join(store.dir, segment!), 100);
    const reopened = await LayerStateStore.open(dir, encoder.identity, fixture.max_length, 'fp16');
    expect(reopened.discarded).toHaveLength(1);
    expect(reopened.discarded[0]!.problem).toMatch(/truncated/);
    expect(
      (
        await encodeLayerStates({
          texts: fixture.sentences,
          tokenizer,
          encoder,
          store: reopened,
          maxLength: fixture.max_length,
        })
      ).computed,
    ).toBe(3);
    reopened.close();
    await encoder.dispose();
  });

  for (const firstLayer of [0, 1, 2]) {
    it(`ONNX route: the graph cut at layer ${firstLayer} gives PyTorch's states within 1e-5`, async () => {
      const encoder = await createOnnxStatesEncoder(path.join(TINY_BERT, 'onnx/model.onnx'), config, firstLayer, {
        threads: 1,
      });
      const store = await LayerStateStore.open(dir, encoder.identity, fixture.max_length, 'fp32');
      const { keys } = await encodeLayerStates({
        texts: fixture.sentences,
        tokenizer,
        encoder,
        store,
        maxLength: fixture.max_length,
      });
      fixture.sentences.forEach((_, row) => {
        expect(maxAbsDifference(store.readBatch([keys[row]!]).states, fixtureRow(firstLayer, row))).toBeLessThan(1e-5);
      });
      store.close();
      await encoder.dispose();
    });
  }

  it('ONNX initializers give the same layer and pooler weights as model.safetensors', async () => {
    const fromOnnx = await loadTopLayerWeightsFromOnnx(path.join(TINY_BERT, 'onnx/model.onnx'), config, 2, true);
    const fromSafetensors = await loadTopLayerWeights(TINY_BERT, config, 2, true);
    expect(fromOnnx.parameters.map((p) => p.name)).toEqual(fromSafetensors.parameters.map((p) => p.name));
    fromOnnx.parameters.forEach((parameter, index) => {
      expect(parameter.shape, parameter.name).toEqual(fromSafetensors.parameters[index]!.shape);
      expect(parameter.values, parameter.name).toEqual(fromSafetensors.parameters[index]!.values);
    });
  });

  it('the int8 graph (model_quantized.onnx) is cut at every layer too (LayerNormalization count), states near fp32', async () => {
    for (const firstLayer of [0, 1, 2]) {
      const encoder = await createOnnxStatesEncoder(
        path.join(TINY_BERT, 'onnx/model_quantized.onnx'),
        config,
        firstLayer,
        { threads: 1 },
      );
      const packed = tokenizer.pack(
        fixture.sentences.map((text) => tokenizer.tokenIds(text)),
        { maxLength: fixture.max_length, padding: 'max_length', truncation: true },
      );
      const states = await encoder.run(packed);
      expect(states.length).toBe(fixture.states[firstLayer]!.length);
      const tokens = fixture.attention_mask[0]!.reduce((a, b) => a + b, 0);
      expect(maxAbsDifference(states.subarray(0, tokens * config.hiddenSize), fixtureRow(firstLayer, 0))).toBeLessThan(
        0.1,
      );
      await encoder.dispose();
    }
  });
});
