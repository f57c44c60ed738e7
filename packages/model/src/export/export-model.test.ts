import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../artifact/index.js';
import { selectBackend } from '../backend/index.js';
import { loadEncoder, type Dtype, type Pooling } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead } from '../head/index.js';
import { exportModel, loadExportedModel } from './index.js';

const LABELS = ['negative', 'neutral', 'positive'];
const LONG =
  'this film starts slowly, then the middle drags on and on, and by the end nothing at all has happened to anyone who matters';
const texts = ['a great movie', 'terrible, boring and far too long', 'ok', LONG, 'what a great film'];
const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
let root: string;
let cacheDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-export-'));
  cacheDir = join(root, 'cache');
  await selectBackend({ device: 'cpu' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Saves a 3-class model on the tiny BERT and returns senti's probabilities for `texts` through loadModel. */
async function sentiModel(
  name: string,
  dtype: Dtype,
  pooling: Pooling,
  bundleEncoder?: boolean,
  temperature = 1,
): Promise<{ dir: string; probabilities: Float32Array }> {
  const encoder = await loadEncoder(
    { model: TINY_BERT, offline: true, device: 'cpu', dtype, pooling, cacheDir },
    noGpu,
  );
  const head = createHead({ inputSize: 32, numClasses: 3, hiddenSize: 24 }, { seed: 7 });
  // Larger weights than at initialisation, so that texts get clearly different probabilities.
  head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * 6)));
  head.setTemperature(temperature);
  const dir = join(root, name);
  await saveModel(dir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 12,
    labelNames: LABELS,
    bundleEncoder,
    cacheDir,
  });
  head.dispose();
  await encoder.dispose();
  const model = await loadModel(dir, { offline: true, device: 'cpu', cacheDir });
  const probabilities = await model.predictProba(texts);
  await model.dispose();
  return { dir, probabilities };
}

/** Logits of a raw onnxruntime-node session on an exported graph, with the export's own tokenizer (no senti code). */
async function rawLogits(out: string, file: string): Promise<Float32Array> {
  const { AutoTokenizer } = await import('@huggingface/transformers');
  const tokenizer = await AutoTokenizer.from_pretrained(out, { local_files_only: true });
  const encoded = tokenizer(texts, { padding: true, truncation: true }) as Record<
    string,
    { data: BigInt64Array; dims: number[] }
  >;
  const session = await ort.InferenceSession.create(join(out, 'onnx', file));
  try {
    const feeds = Object.fromEntries(
      ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => [
        name,
        new ort.Tensor('int64', encoded[name]!.data, encoded[name]!.dims),
      ]),
    );
    const result = await session.run(feeds);
    expect(session.outputNames).toEqual(['logits']);
    expect(result.logits!.dims).toEqual([texts.length, LABELS.length]);
    return result.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function softmaxRows(logits: Float32Array, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / width; r++) {
    const row = Array.from(logits.subarray(r * width, (r + 1) * width));
    const max = Math.max(...row);
    const exps = row.map((value) => Math.exp(value - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    out.push(...exps.map((value) => value / sum));
  }
  return out;
}

/** transformers.js's text-classification pipeline on the export, all scores per text in label order. */
async function pipelineScores(out: string, dtype?: 'fp32' | 'q8'): Promise<{ top: string[]; scores: number[] }> {
  const previous = env.allowRemoteModels;
  env.allowRemoteModels = false;
  try {
    const classify = await pipeline('text-classification', out, {
      ...(dtype ? { dtype } : {}),
      local_files_only: true,
    });
    const results = (await classify(texts, { top_k: null })) as unknown as { label: string; score: number }[][];
    await classify.dispose();
    return {
      top: results.map((row) => row[0]!.label),
      scores: results.flatMap((row) => LABELS.map((label) => row.find((entry) => entry.label === label)!.score)),
    };
  } finally {
    env.allowRemoteModels = previous;
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tolerance);
}

function argmaxLabels(probabilities: ArrayLike<number>): string[] {
  return Array.from({ length: probabilities.length / LABELS.length }, (_, r) => {
    const row = Array.from({ length: LABELS.length }, (_, c) => probabilities[r * LABELS.length + c]!);
    return LABELS[row.indexOf(Math.max(...row))]!;
  });
}

describe('exportModel', () => {
  it("fp32: transformers.js and a raw ONNX Runtime session give senti's labels and probabilities (1e-5)", async () => {
    const { dir, probabilities } = await sentiModel('fp32-pooler', 'fp32', 'pooler');
    const out = join(root, 'exported-fp32');
    const result = await exportModel(dir, out, { offline: true, cacheDir });
    expect(result.files).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']),
    );
    expect(await readdir(join(out, 'onnx'))).toEqual(['model.onnx']);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' },
      label2id: { negative: 0, neutral: 1, positive: 2 },
    });
    expect(JSON.parse(await readFile(join(out, 'tokenizer_config.json'), 'utf8'))).toMatchObject({
      model_max_length: 12,
    });
    const fromPipeline = await pipelineScores(out, 'fp32');
    expectClose(fromPipeline.scores, probabilities, 1e-5);
    expect(fromPipeline.top).toEqual(argmaxLabels(probabilities));
    expectClose(softmaxRows(await rawLogits(out, 'model.onnx'), 3), probabilities, 1e-5);
    const served = await loadExportedModel(out);
    expect(served.labelNames).toEqual(LABELS);
    expect(served.maxLength).toBe(12);
    expectClose(await served.predictProba(texts), probabilities, 1e-5);
    expect((await served.predict(texts)).map((prediction) => prediction.label)).toEqual(argmaxLabels(probabilities));
    await served.dispose();
  });

  it("a calibrated model: the graph divides the logits by T, so every reader gets senti's calibrated probabilities", async () => {
    const plain = await sentiModel('fp32-uncalibrated', 'fp32', 'mean');
    const { dir, probabilities } = await sentiModel('fp32-calibrated', 'fp32', 'mean', undefined, 2.5);
    expect(JSON.parse(await readFile(join(dir, 'senti.json'), 'utf8')).calibration).toEqual({
      method: 'temperature',
      temperature: 2.5,
    });
    expect(argmaxLabels(probabilities)).toEqual(argmaxLabels(plain.probabilities));
    expect(Math.max(...probabilities)).toBeLessThan(Math.max(...plain.probabilities)); // T > 1 softens
    const out = join(root, 'exported-calibrated');
    await exportModel(dir, out, { offline: true, cacheDir });
    expectClose(softmaxRows(await rawLogits(out, 'model.onnx'), 3), probabilities, 1e-5);
    expectClose((await pipelineScores(out, 'fp32')).scores, probabilities, 1e-5);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).senti.temperature).toBe(2.5);
  });

  it('cls and mean pooling export the same answers as senti', async () => {
    for (const pooling of ['cls', 'mean'] as const) {
      const { dir, probabilities } = await sentiModel(`fp32-${pooling}`, 'fp32', pooling);
      const out = join(root, `exported-${pooling}`);
      await exportModel(dir, out, { offline: true, cacheDir });
      expectClose(softmaxRows(await rawLogits(out, 'model.onnx'), 3), probabilities, 1e-5);
    }
  });

  it("int8: adds onnx/model_quantized.onnx (per-token int8) that matches senti's int8 model", async () => {
    const { dir, probabilities } = await sentiModel('int8', 'int8', 'pooler');
    const out = join(root, 'exported-int8');
    await exportModel(dir, out, { offline: true, cacheDir });
    expect((await readdir(join(out, 'onnx'))).sort()).toEqual(['model.onnx', 'model_quantized.onnx']);
    const quantized = await pipelineScores(out, 'q8');
    expectClose(quantized.scores, probabilities, 1e-5);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['transformers.js_config']).toEqual({ dtype: 'q8' }); // so the quantized graph is transformers.js's default
    expectClose((await pipelineScores(out)).scores, probabilities, 1e-5);
    expectClose(softmaxRows(await rawLogits(out, 'model_quantized.onnx'), 3), probabilities, 1e-5);
    const served = await loadExportedModel(out); // picks model_quantized.onnx
    expect(served.file).toMatch(/model_quantized\.onnx$/);
    expectClose(await served.predictProba(texts), probabilities, 1e-5);
    await served.dispose();
  });

  it('exports a bundled int8 model, refuses a non-empty directory, and names a missing encoder', async () => {
    const { dir, probabilities } = await sentiModel('int8-bundled', 'int8', 'mean', true);
    const out = join(root, 'exported-bundled');
    const result = await exportModel(dir, out, { offline: true, cacheDir, encoderModel: join(dir, 'encoder') });
    expect(result.notes.join(' ')).toMatch(/no fp32 encoder/);
    expectClose(softmaxRows(await rawLogits(out, 'model_quantized.onnx'), 3), probabilities, 1e-5);
    await expect(exportModel(dir, out, { offline: true, cacheDir })).rejects.toMatchObject({
      code: 'MODEL_EXPORT_DIR_NOT_EMPTY',
    });
    // overwrite replaces a previous export, but never a directory holding anything else (it used to delete it whole)
    await exportModel(dir, out, { offline: true, cacheDir, overwrite: true, encoderModel: join(dir, 'encoder') });
    await writeFile(join(out, 'notes.txt'), 'mine');
    await expect(
      exportModel(dir, out, { offline: true, cacheDir, overwrite: true, encoderModel: join(dir, 'encoder') }),
    ).rejects.toThrow(/holds files an export does not write \(notes\.txt\)/);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    const project = join(root, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{}');
    await expect(
      exportModel(dir, project, { offline: true, cacheDir, overwrite: true, encoderModel: join(dir, 'encoder') }),
    ).rejects.toThrow(/is not a previous senti export/);
    expect(await readdir(project)).toEqual(['package.json']);
    await expect(
      exportModel(dir, join(root, 'nowhere'), { offline: true, cacheDir, encoderModel: join(root, 'no-such-encoder') }),
    ).rejects.toMatchObject({ code: 'MODEL_ENCODER_NOT_FOUND' });
  });
});

describe('normalizeInputs', () => {
  it("gives a text cut by transformers.js (no [SEP]) the answer of senti's truncation ([SEP] kept)", async () => {
    const { dir, probabilities } = await sentiModel('truncation', 'fp32', 'mean');
    const out = join(root, 'exported-truncation');
    await exportModel(dir, out, { offline: true, cacheDir });
    const session = await ort.InferenceSession.create(join(out, 'onnx', 'model.onnx'));
    const { loadTokenizer } = await import('@senti/tokenize');
    const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
    const body = tokenizer.tokenIds(LONG);
    const row = texts.indexOf(LONG);
    // [CLS] + first 11 body tokens (transformers.js), and [CLS] + all body tokens + [SEP] (no truncation at all).
    for (const ids of [
      [101, ...body.slice(0, 11)],
      [101, ...body, 102],
    ]) {
      const tensor = (values: number[]) =>
        new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
      const result = await session.run({
        input_ids: tensor(ids),
        attention_mask: tensor(ids.map(() => 1)),
        token_type_ids: tensor(ids.map(() => 0)),
      });
      expectClose(
        softmaxRows(result.logits!.data as Float32Array, 3),
        probabilities.subarray(row * 3, row * 3 + 3),
        1e-5,
      );
    }
    await session.release();
  });
});
