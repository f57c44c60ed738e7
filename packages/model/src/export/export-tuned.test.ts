import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../artifact/index.js';
import { selectBackend } from '../backend/index.js';
import { loadEncoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead } from '../head/index.js';
import { readBertConfig } from '../layers/bert-config.js';
import { loadTopLayerWeights } from '../layers/layer-weights.js';
import { exportModel } from './index.js';

const LABELS = ['negative', 'neutral', 'positive'];
const texts = ['a great movie', 'terrible, boring and far too long', 'ok', 'what a great film'];
const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-export-tuned-'));
  await selectBackend({ device: 'cpu' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('exportModel with fine-tuned layers', () => {
  it("writes the tuned layers into onnx/model.onnx: its answers equal the senti model's within 1e-5", async () => {
    const encoder = await loadEncoder(
      { model: TINY_BERT, offline: true, device: 'cpu', dtype: 'fp32', pooling: 'pooler' },
      noGpu,
    );
    const head = createHead({ inputSize: 32, numClasses: 3, hiddenSize: 24 }, { seed: 7 });
    head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * 6)));
    const frozen = await head.predictProba(await encoder.encode(texts, { maxLength: 12 }), texts.length);
    const config = await readBertConfig(TINY_BERT);
    const { parameters } = await loadTopLayerWeights(TINY_BERT, config, 1, true);
    const tuned = parameters.map((parameter, index) => ({
      ...parameter,
      values: parameter.values.map((value, i) => value * 1.5 + 0.02 * Math.cos(index + i)),
    }));
    const dir = join(root, 'model');
    await saveModel(dir, {
      head,
      encoder: { ...encoder.info, path: TINY_BERT },
      maxLength: 12,
      labelNames: LABELS,
      tunedLayers: {
        info: { firstLayer: 1, count: 1, pooling: 'pooler', statesRoute: 'onnx', dtype: 'fp32' },
        parameters: tuned,
      },
    });
    head.dispose();
    await encoder.dispose();
    const model = await loadModel(dir, { offline: true, device: 'cpu' });
    const probabilities = await model.predictProba(texts);
    await model.dispose();
    // The tuned layers change the answers (so the comparison below can fail).
    expect(Math.max(...probabilities.map((value, i) => Math.abs(value - frozen[i]!)))).toBeGreaterThan(1e-3);

    const out = join(root, 'export');
    await exportModel(dir, out, { offline: true });
    const { AutoTokenizer } = await import('@huggingface/transformers');
    const tokenizer = await AutoTokenizer.from_pretrained(out, { local_files_only: true });
    const encoded = tokenizer(texts, { padding: true, truncation: true }) as Record<
      string,
      { data: BigInt64Array; dims: number[] }
    >;
    const session = await ort.InferenceSession.create(join(out, 'onnx', 'model.onnx'));
    const feeds = Object.fromEntries(
      ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => [
        name,
        new ort.Tensor('int64', encoded[name]!.data, encoded[name]!.dims),
      ]),
    );
    const logits = (await session.run(feeds)).logits!.data as Float32Array;
    await session.release();
    texts.forEach((_, row) => {
      const values = Array.from(logits.subarray(row * 3, row * 3 + 3));
      const max = Math.max(...values);
      const sum = values.reduce((total, value) => total + Math.exp(value - max), 0);
      values.forEach((value, column) =>
        expect(Math.abs(Math.exp(value - max) / sum - probabilities[row * 3 + column]!)).toBeLessThan(1e-5),
      );
    });
  });
});

describe('exportModel of fine-tuned layers over a q8 encoder (#28 item 6)', () => {
  it("declares no q8 graph it does not write: config.json, the web page and transformers.js's default load agree; the card names the vendor file written", async () => {
    const encoder = await loadEncoder(
      { model: TINY_BERT, offline: true, device: 'cpu', dtype: 'q8', pooling: 'pooler' },
      noGpu,
    );
    const head = createHead({ inputSize: 32, numClasses: 3, hiddenSize: 24 }, { seed: 7 });
    const config = await readBertConfig(TINY_BERT);
    const { parameters } = await loadTopLayerWeights(TINY_BERT, config, 1, true);
    const dir = join(root, 'model-q8');
    await saveModel(dir, {
      head,
      encoder: { ...encoder.info, path: TINY_BERT },
      maxLength: 12,
      labelNames: LABELS,
      tunedLayers: {
        info: { firstLayer: 1, count: 1, pooling: 'pooler', statesRoute: 'onnx', dtype: 'q8' },
        parameters,
      },
    });
    head.dispose();
    await encoder.dispose();
    const out = join(root, 'export-q8');
    const result = await exportModel(dir, out, { offline: true, web: true, encoderModel: TINY_BERT });
    expect(result.files).not.toContain('onnx/model_quantized.onnx');
    const written = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written['transformers.js_config']).toBeUndefined();
    expect(await readFile(join(out, 'index.html'), 'utf8')).not.toMatch(/dtype: 'q8'/);
    // #28 item 21: the card's browser snippet imports the file the export holds; a page opened from disk says so.
    const card = await readFile(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/from '\.\/vendor\//);
    for (const [, file] of card.matchAll(/from '\.\/(vendor\/[^']+)'/g)) expect(result.files).toContain(file);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toMatch(
      /location\.protocol === 'file:'[^]*must be served, not opened from disk/,
    );
    // The line senti export prints: transformers.js's default load must find the graph config.json declares.
    const { pipeline } = await import('@huggingface/transformers');
    const classify = await pipeline('text-classification', out, { local_files_only: true });
    expect(await classify('a great movie')).toHaveLength(1);
    await classify.dispose();
  });
});
