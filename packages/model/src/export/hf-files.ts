import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SentiManifest } from '../artifact/manifest.js';

/** Tokenizer files copied as they are (tokenizer_config.json is rewritten); vocab.json + merges.txt: byte-level BPE (RoBERTa). */
export const TOKENIZER_FILES = ['tokenizer.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

async function readJson(file: string): Promise<Record<string, unknown>> {
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
}

/**
 * The encoder's config.json made a sequence classifier's: architectures, labels, problem type, senti's settings.
 * `written.quantized`: whether the export holds `onnx/model_quantized.onnx` (default: the encoder is int8 / q8).
 */
export async function classifierConfig(
  encoderDir: string,
  manifest: SentiManifest,
  written: { quantized?: boolean } = {},
): Promise<Record<string, unknown>> {
  const config = await readJson(path.join(encoderDir, 'config.json'));
  // Declared only when onnx/model_quantized.onnx is written (not for fine-tuned layers, exported in fp32 only).
  const quantized = written.quantized ?? (manifest.encoder.dtype === 'int8' || manifest.encoder.dtype === 'q8');
  const { dtype: _encoderDtype, ...ownJsConfig } = (config['transformers.js_config'] ?? {}) as Record<string, unknown>;
  const id2label = Object.fromEntries(manifest.labelNames.map((label, index) => [String(index), label]));
  const label2id = Object.fromEntries(manifest.labelNames.map((label, index) => [label, index]));
  return {
    ...config,
    model_type: config.model_type ?? 'bert',
    architectures: [`${classPrefix(String(config.model_type ?? 'bert'))}ForSequenceClassification`],
    id2label,
    label2id,
    num_labels: manifest.labelNames.length,
    problem_type: 'single_label_classification',
    // transformers.js loads onnx/model_quantized.onnx by default when the model ran an int8 / q8 encoder in senti.
    'transformers.js_config': quantized
      ? { ...ownJsConfig, dtype: 'q8' }
      : Object.keys(ownJsConfig).length > 0
        ? ownJsConfig
        : undefined,
    senti: {
      note: 'exported by senti: onnx/model.onnx is encoder + pooling + head in one graph, output "logits"',
      base_model: manifest.encoder.hubId ?? manifest.encoder.model,
      encoder_dtype: manifest.encoder.dtype,
      pooling: manifest.encoder.pooling,
      max_length: manifest.maxLength,
      head: manifest.head,
      // Already applied: the graph divides the logits by it. Kept so readers know the probabilities are calibrated.
      ...(manifest.calibration ? { temperature: manifest.calibration.temperature } : {}),
      ...(manifest.abstention ? { abstain_below: manifest.abstention.threshold } : {}),
    },
  };
}

/** tokenizer_config.json truncating at the run's padding length, so long texts get the answer they get in senti. */
export async function classifierTokenizerConfig(
  encoderDir: string,
  maxLength: number,
): Promise<Record<string, unknown>> {
  const config = await readJson(path.join(encoderDir, 'tokenizer_config.json'));
  return { ...config, model_max_length: maxLength, truncation_side: 'right', padding_side: 'right' };
}

// Hugging Face's class-name spelling of each model type (DistilBert, not Distilbert; XLMRoberta, not Xlm-roberta).
const CLASS_PREFIXES: Record<string, string> = {
  bert: 'Bert',
  distilbert: 'DistilBert',
  roberta: 'Roberta',
  'xlm-roberta': 'XLMRoberta',
  camembert: 'Camembert',
  albert: 'Albert',
  electra: 'Electra',
  mpnet: 'MPNet',
  deberta: 'Deberta',
  'deberta-v2': 'DebertaV2',
  modernbert: 'ModernBert',
};

function classPrefix(modelType: string): string {
  return (
    CLASS_PREFIXES[modelType] ??
    modelType
      .split(/[-_]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')
  );
}
