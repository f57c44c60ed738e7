import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelError } from '@senti/errors';
import { loadTokenizer } from '@senti/tokenize';
import { toPredictions, type Prediction } from '../artifact/predictions.js';
import { planLengthBatches } from '../encoder/batching.js';
import { sessionOptions } from '../encoder/session-options.js';
import type { TokenWindow } from '../explain/plan-explanation.js';

/** Options for {@link loadExportedModel}. */
export interface LoadExportedModelOptions {
  /** `model_quantized.onnx` instead of `model.onnx`; default: quantized when the export has it. */
  quantized?: boolean;
  /** ONNX Runtime intra-op threads; default all cores (or `SENTI_THREADS`). */
  threads?: number;
  /** Texts per forward pass; default 32. */
  batchSize?: number;
}

/** An exported model (see {@link exportModel}) run on the CPU: text in, class probabilities out. */
export interface ExportedModel {
  /** Class names in class-index order (from `config.json`'s id2label). */
  labelNames: string[];
  /** Truncation length in tokens (the run's padding length). */
  maxLength: number;
  /** The ONNX file used. */
  file: string;
  /** The export's config.json (senti's settings under `senti`). */
  config: { id2label?: Record<string, string>; senti?: { abstain_below?: unknown; temperature?: unknown } };
  /** Row-major [texts.length, classes] probabilities (softmax of `logits`). */
  predictProba(texts: readonly string[]): Promise<Float32Array>;
  /** The most probable label of each text, with its score and all probabilities. */
  predict(texts: readonly string[]): Promise<Prediction[]>;
  /** The tokenizer and token budget explanations are planned with. */
  tokenWindow: TokenWindow;
  /** Releases the ONNX Runtime session. */
  dispose(): Promise<void>;
}

/** Loads an export directory with onnxruntime-node and the export's own tokenizer (so a server can serve it). */
export async function loadExportedModel(dir: string, options: LoadExportedModelOptions = {}): Promise<ExportedModel> {
  const root = path.resolve(dir);
  const configFile = path.join(root, 'config.json');
  if (!existsSync(configFile))
    throw new ModelError('MODEL_NOT_FOUND', `no exported model in ${dir} (config.json missing)`, 'input');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as ExportedModel['config'];
  const labelNames = Object.entries(config.id2label ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, label]) => label);
  if (labelNames.length === 0)
    throw new ModelError('MODEL_CORRUPT', `${configFile} has no id2label; it is not a classifier export`, 'input');
  const quantizedFile = path.join(root, 'onnx', 'model_quantized.onnx');
  const file = (options.quantized ?? existsSync(quantizedFile)) ? quantizedFile : path.join(root, 'onnx', 'model.onnx');
  if (!existsSync(file))
    throw new ModelError('MODEL_CORRUPT', `${file} is missing; the export in ${dir} is incomplete`, 'input');
  const tokenizer = await loadTokenizer(root, { offline: true });
  const maxLength = tokenizer.modelMaxLength;
  const session = await ort.InferenceSession.create(
    file,
    sessionOptions('cpu', options.threads) as ort.InferenceSession.SessionOptions,
  );
  const classes = labelNames.length;
  const extra = tokenizer.special.prefix.length + tokenizer.special.suffix.length;
  const predictProba = async (texts: readonly string[]): Promise<Float32Array> => {
    const out = new Float32Array(texts.length * classes);
    const bodies = texts.map((text) => tokenizer.truncatedTokenIds(text, maxLength - extra)); // long texts cut before tokenizing
    for (const batch of planLengthBatches(
      bodies.map((body) => body.length + extra),
      options.batchSize ?? 32,
      maxLength,
    )) {
      const encoded = tokenizer.pack(
        batch.indices.map((index) => bodies[index]!),
        { maxLength: batch.sequenceLength, padding: 'max_length', truncation: true },
      );
      const dims = [encoded.batchSize, encoded.sequenceLength];
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', encoded.inputIds, dims),
        attention_mask: new ort.Tensor('int64', encoded.attentionMask, dims),
      };
      if (session.inputNames.includes('token_type_ids'))
        feeds.token_type_ids = new ort.Tensor('int64', encoded.tokenTypeIds, dims);
      const logits = (await session.run(feeds)).logits!.data as Float32Array;
      batch.indices.forEach((index, row) => {
        const values = logits.subarray(row * classes, (row + 1) * classes);
        const max = values.reduce((most, value) => Math.max(most, value), -Infinity);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(values[c]! - max);
        for (let c = 0; c < classes; c++) out[index * classes + c] = Math.exp(values[c]! - max) / sum;
      });
    }
    return out;
  };
  return {
    labelNames,
    maxLength,
    file,
    config,
    predictProba,
    tokenWindow: { tokenIds: (text) => tokenizer.tokenIds(text), maxTokens: maxLength - extra },
    predict: async (texts) => toPredictions(await predictProba(texts), labelNames),
    dispose: () => session.release(),
  };
}
