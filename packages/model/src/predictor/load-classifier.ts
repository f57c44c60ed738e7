import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelError, escapeControl } from '@senti/errors';
import { fileSha256 } from '../encoder/file-hash.js';
import { loadModel, type LoadModelOptions } from '../artifact/load-model.js';
import { MANIFEST_FILE } from '../artifact/manifest.js';
import { resolveModelDir } from '../artifact/model-dir.js';
import { readManifest } from '../artifact/read-manifest.js';
import { loadExportedModel, type ExportedModel } from '../export/load-exported-model.js';
import type { Classifier } from './classifier.js';
import { planExplanations } from '../explain/explain-texts.js';
import { publicEncoderName, type ServedModelInfo } from './served-model-info.js';
import { configHiddenSize } from '../encoder/model-layout.js';

/**
 * Loads what a predictor can serve: a senti model directory (or a run directory holding `model/`), or a directory written
 * by `senti export` (Hugging Face layout, one ONNX graph to logits, run on the CPU). An export has no senti.json: its
 * info comes from its config.json (labels, base model, dtype, pooling, max length, hidden size) and the graph's hash;
 * what an export does not record (creation time, metrics, training settings) is left out, not invented.
 */
export async function loadClassifier(dir: string, options: LoadModelOptions = {}): Promise<Classifier> {
  if ((await checkServable(dir)) === 'senti') return loadModel(dir, options);
  const exported = await loadExportedModel(dir);
  return {
    info: await exportInfo(dir, exported),
    predict: (texts) => exported.predict(texts),
    planExplanations: (texts, options) => planExplanations(texts, exported.tokenWindow, options),
    dispose: () => exported.dispose(),
  };
}

/** {@link loadClassifier}'s older name. */
export const loadServableModel = loadClassifier;

/** The served info of an export, from its config.json (`senti` section: base model, dtype, pooling, max length). */
async function exportInfo(dir: string, exported: ExportedModel): Promise<ServedModelInfo> {
  const config = exported.config as ExportedModel['config'] & {
    senti?: {
      base_model?: unknown;
      encoder_dtype?: unknown;
      pooling?: unknown;
      max_length?: unknown;
      temperature?: unknown;
      abstain_below?: unknown;
    };
  };
  const senti = config.senti ?? {};
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);
  const integer = (value: unknown, fallback: number) => (Number.isInteger(value) ? (value as number) : fallback);
  const fileHash = await fileSha256(exported.file);
  const quantized = exported.file.endsWith('model_quantized.onnx');
  const info: Omit<ServedModelInfo, 'id'> = {
    source: 'export',
    labels: exported.labelNames,
    encoder: {
      model: publicEncoderName(text(senti.base_model, path.basename(path.resolve(dir)))),
      dtype: text(senti.encoder_dtype, quantized ? 'int8' : 'fp32'),
      pooling: text(senti.pooling, 'unknown'),
      hiddenSize: configHiddenSize(config as Record<string, unknown>) ?? 0,
      fileHash,
    },
    maxLength: integer(senti.max_length, exported.maxLength),
    ...(typeof senti.temperature === 'number'
      ? { calibration: { method: 'temperature' as const, temperature: senti.temperature } }
      : {}),
    ...(typeof senti.abstain_below === 'number' ? { abstention: { threshold: senti.abstain_below } } : {}),
  };
  const id = createHash('sha256').update(JSON.stringify(info)).digest('hex').slice(0, 12);
  return { id, ...info };
}

/** Checks cheaply (no model loaded) that `dir` holds a senti model (its senti.json is read and checked) or an export. */
export async function checkServable(dir: string): Promise<'senti' | 'export'> {
  if (existsSync(path.join(resolveModelDir(dir), MANIFEST_FILE))) {
    await readManifest(dir);
    return 'senti';
  }
  if (existsSync(path.join(dir, 'config.json')) && existsSync(path.join(dir, 'onnx'))) return 'export';
  throw new ModelError(
    'MODEL_NOT_FOUND',
    `${escapeControl(dir)} holds neither a senti model (senti.json) nor a senti export (config.json + onnx/)`,
    'input',
    {
      hint: 'pass a run directory, its model/ folder, or a directory written by exportModel',
    },
  );
}
