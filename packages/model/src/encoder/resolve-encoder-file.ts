import { existsSync } from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { ModelError, quote } from '@senti/errors';
import { cachedModelDir, type ModelSource } from '@senti/tokenize';
import { chooseDtype, type DtypeChoice } from './choose-dtype.js';
import { INT8_FILE, isSentiInt8File, perTokenInt8Dir } from './int8-encoder-file.js';
import type { Dtype, UsedDevice } from './types.js';

/** ONNX file each dtype is read from inside the model's `onnx/` folder (transformers.js naming; int8 is built from fp32). */
export const ONNX_FILES: Record<Dtype, string> = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx', int8: 'model.onnx' };

/** The encoder file a dtype runs from, and the model directory transformers.js loads it from. */
export interface ResolvedEncoderFile {
  /** The dtype chosen (`auto` resolved for the device). */
  dtype: Dtype;
  /** The ONNX file whose sha256 identifies the encoder's features. */
  file: string;
  /** The directory holding `onnx/<file>` and config.json: the model's own, or senti's cached int8 build. */
  dir: string;
}

/** Options of {@link resolveEncoderFile}. */
export interface ResolveEncoderFileOptions {
  /** Where senti caches the per-token int8 graph it builds from the fp32 file. */
  cacheDir?: string;
}

/**
 * Whether a local model directory can run this dtype: its own `onnx/` file, or for int8 the fp32 file to build from
 * or a bundled int8 build. Hub ids are assumed to publish every format.
 */
export function isEncoderDtypeAvailable(source: ModelSource, dtype: Dtype): boolean {
  if (source.kind === 'hub') return true;
  const onnx = path.join(source.path!, 'onnx');
  return existsSync(path.join(onnx, ONNX_FILES[dtype])) || (dtype === 'int8' && isSentiInt8File(path.join(onnx, INT8_FILE)));
}

/**
 * The one answer to "which ONNX file runs this encoder": resolves `auto` for the device, checks the file exists, and
 * for int8 builds (once, cached by hash) the per-token graph from the fp32 file, or takes the bundled build. Used by
 * the encoder loader, the queue's encoder identity and export. Hub ids must already be in the local cache.
 */
export async function resolveEncoderFile(source: ModelSource, dtype: DtypeChoice, device: UsedDevice, options: ResolveEncoderFileOptions = {}): Promise<ResolvedEncoderFile> {
  const chosen = chooseDtype(dtype, device, (candidate) => isEncoderDtypeAvailable(source, candidate));
  if (!isEncoderDtypeAvailable(source, chosen)) {
    throw new ModelError('MODEL_ENCODER_FILE_MISSING', `encoder file ${path.join(source.path!, 'onnx', ONNX_FILES[chosen])} not found; dtype ${chosen} needs onnx/${ONNX_FILES[chosen]} in ${quote(source.id)}`);
  }
  if (chosen !== 'int8') {
    const file = onnxFilePath(source, chosen);
    return { dtype: chosen, file, dir: path.dirname(path.dirname(file)) };
  }
  if (source.kind === 'dir' && !existsSync(path.join(source.path!, 'onnx', ONNX_FILES.fp32))) {
    return { dtype: chosen, file: path.join(source.path!, 'onnx', INT8_FILE), dir: source.path! }; // a bundled build, without its fp32 source
  }
  const fp32 = onnxFilePath(source, 'fp32');
  const dir = await perTokenInt8Dir(fp32, path.join(path.dirname(path.dirname(fp32)), 'config.json'), options.cacheDir);
  return { dtype: chosen, file: path.join(dir, 'onnx', INT8_FILE), dir };
}

/**
 * Path of a dtype's ONNX file as published: in the model directory, or for Hub ids in its Hugging Face cache snapshot
 * (then transformers.js's local model path / file cache, where older senti versions downloaded).
 */
export function onnxFilePath(source: ModelSource, dtype: Dtype): string {
  const relative = path.join('onnx', ONNX_FILES[dtype]);
  if (source.kind === 'dir') return path.join(source.path!, relative);
  const snapshot = cachedModelDir(source);
  const legacy = [env.localModelPath, env.cacheDir].filter((dir): dir is string => typeof dir === 'string').map((dir) => path.join(dir, source.repo ?? source.id, relative));
  const candidates = [...(snapshot ? [path.join(snapshot, relative)] : []), ...legacy];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new ModelError('MODEL_ENCODER_FILE_MISSING', `loaded ${quote(source.id)} but cannot find its ${relative} to fingerprint it; looked in ${candidates.join(', ')}`, 'runtime');
  return found;
}
