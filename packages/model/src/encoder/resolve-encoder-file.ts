import { existsSync } from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { ModelError, quote } from '@senti/errors';
import { cachedModelDir, type ModelSource } from '@senti/tokenize';
import { defaultCacheDir } from '../cache/cache-dir.js';
import { chooseDtype, type DtypeChoice } from './choose-dtype.js';
import { encoderDir } from './encoder-dir.js';
import { INT8_FILE, isSentiInt8File, perTokenInt8Dir } from './int8-encoder-file.js';
import { resolvePooling } from './choose-pooling.js';
import { hasSafetensors, ONNX_FILES, readModelLayout, type ModelLayout } from './model-layout.js';
import type { Dtype, Pooling, UsedDevice } from './types.js';

export { ONNX_FILES } from './model-layout.js';

/** The encoder file a dtype runs from, and the model directory transformers.js loads it from. */
export interface ResolvedEncoderFile {
  /** The dtype chosen (`auto` resolved for the device). */
  dtype: Dtype;
  /** The ONNX file whose sha256 identifies the encoder's features. */
  file: string;
  /** The directory holding `onnx/<file>` and config.json: the model's own, or senti's cached build or cut. */
  dir: string;
  /** The fp32 graph the file is (or could be) built from, with a `last_hidden_state` output, when there is one. */
  fp32File?: string;
  /** How the model directory stores its encoder. */
  layout: ModelLayout;
  /** The pooling the graph was chosen for. */
  pooling: Pooling;
}

/** Options of {@link resolveEncoderFile}. */
export interface ResolveEncoderFileOptions {
  /** Where senti caches the graphs it builds (per-token int8, cut masked-LM exports, graphs from safetensors). */
  cacheDir?: string;
  /** The sentence pooling (decides whether the last layer runs for [CLS] only); default: the model's default pooling. */
  pooling?: Pooling;
  /**
   * The graphs senti 0.1 ran (the export as published, whole; per-token int8 scheme v2): only to load models saved
   * then, whose senti.json records those files' hashes.
   */
  legacyGraphs?: boolean;
}

/**
 * Whether a local model directory can run this dtype: its own `onnx/` file, or for int8 (and fp32 from safetensors)
 * the weights to build from, or a bundled int8 build. Hub ids are assumed to publish every format.
 */
export function isEncoderDtypeAvailable(source: ModelSource, dtype: Dtype): boolean {
  if (source.kind === 'hub') return true;
  const onnx = path.join(source.path!, 'onnx');
  if (existsSync(path.join(onnx, ONNX_FILES[dtype]))) return true;
  if (dtype === 'int8' && isSentiInt8File(path.join(onnx, INT8_FILE))) return true;
  return (
    (dtype === 'int8' || dtype === 'fp32') &&
    !existsSync(path.join(onnx, ONNX_FILES.fp32)) &&
    hasSafetensors(source.path!)
  );
}

/**
 * The one answer to "which ONNX file runs this encoder": resolves `auto` for the device, checks the file exists,
 * prepares the encoder graph for the model's layout (see {@link encoderDir}) and for int8 builds (once, cached by
 * hash) the per-token graph from that fp32 graph, or takes the bundled build. Used by the encoder loader, the queue's
 * encoder identity and export. Hub ids must already be in the local cache.
 */
export async function resolveEncoderFile(
  source: ModelSource,
  dtype: DtypeChoice,
  device: UsedDevice,
  options: ResolveEncoderFileOptions = {},
): Promise<ResolvedEncoderFile> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const chosen = chooseDtype(dtype, device, (candidate) => isEncoderDtypeAvailable(source, candidate));
  if (!isEncoderDtypeAvailable(source, chosen)) {
    const folder = source.path ?? source.id;
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `encoder file ${path.join(folder, 'onnx', ONNX_FILES[chosen])} not found; dtype ${chosen} needs onnx/${ONNX_FILES[chosen]} in ${quote(source.id)}`,
    );
  }
  const modelDir = sourceDir(source);
  const layout = await readModelLayout(modelDir);
  const pooling = options.pooling ?? resolvePooling(undefined, layout, source.id);
  if (chosen !== 'int8') {
    const { dir } = await encoderDir(modelDir, chosen, { cacheDir, pooling, wholeGraph: options.legacyGraphs });
    const file = path.join(dir, 'onnx', ONNX_FILES[chosen]);
    return { dtype: chosen, file, dir, layout, pooling, ...(chosen === 'fp32' ? { fp32File: file } : {}) };
  }
  if (!existsSync(path.join(modelDir, 'onnx', ONNX_FILES.fp32)) && !hasSafetensors(modelDir)) {
    return { dtype: chosen, file: path.join(modelDir, 'onnx', INT8_FILE), dir: modelDir, layout, pooling }; // a bundled build, without its fp32 source
  }
  const { dir: fp32Dir } = await encoderDir(modelDir, 'fp32', { cacheDir, pooling, wholeGraph: options.legacyGraphs });
  const fp32File = path.join(fp32Dir, 'onnx', ONNX_FILES.fp32);
  const dir = await perTokenInt8Dir(
    fp32File,
    path.join(fp32Dir, 'config.json'),
    cacheDir,
    options.legacyGraphs ? 'v2' : 'current',
  );
  return { dtype: chosen, file: path.join(dir, 'onnx', INT8_FILE), dir, fp32File, layout, pooling };
}

/** The local directory of a model: its path, or for a Hub id its Hugging Face cache snapshot (else an older cache's folder). */
export function sourceDir(source: ModelSource): string {
  return source.path ?? cachedModelDir(source) ?? path.dirname(path.dirname(onnxFilePath(source, 'fp32')));
}

/**
 * Path of a dtype's ONNX file as published: in the model directory, or for Hub ids in its Hugging Face cache snapshot
 * (then transformers.js's local model path / file cache, where older senti versions downloaded).
 */
export function onnxFilePath(source: ModelSource, dtype: Dtype): string {
  const relative = path.join('onnx', ONNX_FILES[dtype]);
  if (source.kind === 'dir') return path.join(source.path!, relative);
  const snapshot = cachedModelDir(source);
  const legacy = [env.localModelPath, env.cacheDir]
    .filter((dir): dir is string => typeof dir === 'string')
    .map((dir) => path.join(dir, source.repo ?? source.id, relative));
  const candidates = [...(snapshot ? [path.join(snapshot, relative)] : []), ...legacy];
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `loaded ${quote(source.id)} but cannot find its ${relative} to fingerprint it; looked in ${candidates.join(', ')}`,
      'runtime',
    );
  return found;
}
