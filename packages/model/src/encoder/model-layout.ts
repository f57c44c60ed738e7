import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSentiError, ModelError, quote } from '@senti/errors';
import { safetensorsTensorNames, onnxOutputNames } from '@senti/onnx';
import { INT8_FILE } from './int8-encoder-file.js';
import type { Dtype, Pooling } from './types.js';

/** ONNX file each dtype is read from inside the model's `onnx/` folder (transformers.js naming; int8 is built from fp32). */
export const ONNX_FILES: Record<Dtype, string> = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  int8: 'model.onnx',
};

/**
 * How a model directory stores its encoder: `onnx-encoder`, an ONNX export whose outputs include `last_hidden_state`
 * (`BertModel`, feature extraction); `onnx-fill-mask`, a masked-LM export whose only output is `logits` (senti cuts it
 * at the encoder's last hidden state); `safetensors`, weights only (senti writes the ONNX graph itself).
 */
export type WeightsLayout = 'onnx-encoder' | 'onnx-fill-mask' | 'safetensors';

/** What senti reads from a model directory before loading its encoder. */
export interface ModelLayout {
  /** How the weights are stored. */
  weights: WeightsLayout;
  /** `config.json`'s `model_type` (`bert`, `distilbert`, `roberta`, ...). */
  modelType: string;
  /** `config.json`'s first `architectures` entry, else the model type. */
  architecture: string;
  /** Length of each token vector (`hidden_size`, `dim` or `d_model`). */
  hiddenSize: number;
  /** Whether the encoder has BERT's pooler (an ONNX `pooler_output`, or `pooler.dense` weights in safetensors). */
  hasPooler: boolean;
  /** The sentence pooling the model's authors configured (sentence-transformers' `1_Pooling/config.json`). */
  configuredPooling?: { pooling: Pooling; from: string };
}

/** The hidden size a config.json declares under any of the spellings Hugging Face uses (BERT, DistilBERT, BART-style). */
export function configHiddenSize(config: Record<string, unknown>): number | undefined {
  const value = Number(config.hidden_size ?? config.dim ?? config.d_model);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Reads a model directory's config.json, failing with one line that names the file. */
export async function readModelConfig(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, 'config.json');
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ModelError(
      'MODEL_NO_CONFIG',
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}; a model directory needs the config.json that came with the model`,
      'input',
    );
  }
}

/** True when the directory holds safetensors weights (one file, or shards with an index). */
export function hasSafetensors(dir: string): boolean {
  return existsSync(path.join(dir, 'model.safetensors')) || existsSync(path.join(dir, 'model.safetensors.index.json'));
}

/** Detects how a local model directory stores its encoder, its hidden size and any pooling its authors configured. */
export async function readModelLayout(dir: string): Promise<ModelLayout> {
  const config = await readModelConfig(dir);
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'bert';
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((name): name is string => typeof name === 'string')
    : [];
  const hiddenSize = configHiddenSize(config);
  if (hiddenSize === undefined) {
    throw new ModelError(
      'MODEL_BAD_CONFIG',
      `${path.join(dir, 'config.json')} declares no hidden size (hidden_size, dim or d_model)`,
      'input',
    );
  }
  const configuredPooling = await sentenceTransformersPooling(dir);
  const base = {
    modelType,
    architecture: architectures[0] ?? modelType,
    hiddenSize,
    ...(configuredPooling ? { configuredPooling } : {}),
  };
  // A bundled int8 build (model_int8.onnx alone) is an encoder export too.
  const onnx = [...(['fp32', 'q8', 'fp16'] as const).map((dtype) => ONNX_FILES[dtype]), INT8_FILE]
    .map((name) => path.join(dir, 'onnx', name))
    .find((file) => existsSync(file));
  if (onnx) {
    const outputs = await onnxOutputNames(onnx).catch((error: unknown) => {
      throw new ModelError(
        'MODEL_ONNX_UNREADABLE',
        `${onnx} is not a readable ONNX model: ${error instanceof Error ? error.message : String(error)}`,
        'input',
      );
    });
    const fillMask = !outputs.includes('last_hidden_state') && outputs.includes('logits');
    return {
      ...base,
      weights: fillMask ? 'onnx-fill-mask' : 'onnx-encoder',
      hasPooler: outputs.includes('pooler_output'),
    };
  }
  if (hasSafetensors(dir))
    return {
      ...base,
      weights: 'safetensors',
      hasPooler: (await safetensorsNames(dir)).some((name) => /^(bert\.)?pooler\.dense\.weight$/.test(name)),
    };
  throw new ModelError(
    'MODEL_ENCODER_FILE_MISSING',
    `${quote(dir)} has no encoder weights: expected onnx/model.onnx (an ONNX export) or model.safetensors`,
    'input',
  );
}

// Tensor names of a checkpoint: the single file's header, or the shard index's weight map.
async function safetensorsNames(dir: string): Promise<string[]> {
  const single = path.join(dir, 'model.safetensors');
  if (existsSync(single)) {
    return safetensorsTensorNames(single).catch((error: unknown) => {
      if (isSentiError(error)) throw error;
      throw new ModelError(
        'MODEL_BAD_SAFETENSORS',
        `${single} is not a readable safetensors file: ${error instanceof Error ? error.message : String(error)}`,
        'input',
      );
    });
  }
  try {
    const index = JSON.parse(await readFile(path.join(dir, 'model.safetensors.index.json'), 'utf8')) as {
      weight_map?: Record<string, unknown>;
    };
    return Object.keys(index.weight_map ?? {});
  } catch {
    return [];
  }
}

// sentence-transformers keeps its pooling in modules.json -> the Pooling module's folder -> config.json.
async function sentenceTransformersPooling(dir: string): Promise<{ pooling: Pooling; from: string } | undefined> {
  let modules: unknown;
  try {
    modules = JSON.parse(await readFile(path.join(dir, 'modules.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(modules)) return undefined;
  const pooling = modules.find(
    (module): module is { path: string } =>
      typeof module?.type === 'string' && module.type.endsWith('.Pooling') && typeof module.path === 'string',
  );
  if (!pooling) return undefined;
  const file = path.join(dir, pooling.path, 'config.json');
  try {
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const from = path.relative(dir, file);
    if (config.pooling_mode_mean_tokens === true) return { pooling: 'mean', from };
    if (config.pooling_mode_cls_token === true) return { pooling: 'cls', from };
  } catch {
    // No readable pooling config: fall back to senti's default.
  }
  return undefined;
}
