import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelError, escapeControl } from '@senti/errors';
import { fileSha256 } from '../encoder/file-hash.js';
import { loadModel, type LoadModelOptions } from '../artifact/load-model.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION } from '../artifact/manifest.js';
import { resolveModelDir } from '../artifact/model-dir.js';
import { readManifest } from '../artifact/read-manifest.js';
import { loadExportedModel } from '../export/load-exported-model.js';
import type { PredictorModel } from './predictor.js';

/**
 * Loads what a predictor can serve: a senti model directory (or a run directory holding `model/`), or a directory written
 * by `senti export` (Hugging Face layout, one ONNX graph to logits, run on the CPU). An export has no senti.json: its
 * manifest is described from its config (labels, truncation length, graph hash), with no head or training details.
 */
export async function loadServableModel(dir: string, options: LoadModelOptions = {}): Promise<PredictorModel> {
  if ((await checkServable(dir)) === 'senti') return loadModel(dir, options);
  const exported = await loadExportedModel(dir);
  const numClasses = exported.labelNames.length;
  const abstainBelow = exported.config.senti?.abstain_below;
  return {
    manifest: {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_FORMAT_VERSION,
      createdAt: new Date(0).toISOString(),
      encoder: {
        model: path.basename(path.resolve(dir)), fileHash: await fileSha256(exported.file),
        dtype: exported.file.endsWith('model_quantized.onnx') ? 'int8' : 'fp32', pooling: 'cls', hiddenSize: 0,
      },
      maxLength: exported.maxLength,
      labelNames: exported.labelNames,
      head: { inputSize: 0, hiddenSize: 0, numClasses, dropout: 0 },
      weights: { file: path.relative(dir, exported.file), sha256: '', tensors: [] },
      training: { export: true },
      ...(typeof abstainBelow === 'number' && abstainBelow >= 0 && abstainBelow <= 1 ? { abstention: { threshold: abstainBelow } } : {}),
      versions: {},
    },
    predict: (texts) => exported.predict(texts),
    dispose: () => exported.dispose(),
  };
}

/** Checks cheaply (no model loaded) that `dir` holds a senti model (its senti.json is read and checked) or an export. */
export async function checkServable(dir: string): Promise<'senti' | 'export'> {
  if (existsSync(path.join(resolveModelDir(dir), MANIFEST_FILE))) {
    await readManifest(dir);
    return 'senti';
  }
  if (existsSync(path.join(dir, 'config.json')) && existsSync(path.join(dir, 'onnx'))) return 'export';
  throw new ModelError('MODEL_NOT_FOUND', `${escapeControl(dir)} holds neither a senti model (senti.json) nor a senti export (config.json + onnx/)`, 'input', {
    hint: 'pass a run directory, its model/ folder, or a directory written by senti export',
  });
}
