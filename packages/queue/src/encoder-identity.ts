import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseDtype, loadEncoder, probeGpu, type Dtype, type EncoderInfo, type LoadEncoderOptions } from '@senti/model';
import { fileSha256, INT8_FILE, isSentiInt8File, ONNX_FILES, perTokenInt8Dir, planDevice, resolvePooling } from '@senti/model/internals';
import { ModelError } from '@senti/errors';
import { DEFAULT_MODEL, loadTokenizer, type SentiTokenizer } from '@senti/tokenize';
import { onnxOutputNames } from '@senti/model/onnx';

/** What the enqueuer needs of an encoder: the identity of its features and its tokenizer (for lengths). */
export interface EncoderFingerprint {
  info: EncoderInfo;
  tokenizer: SentiTokenizer;
}

/**
 * The identity `loadEncoder` would report for these options, without starting an ONNX Runtime session: tokenizer,
 * config.json, the ONNX file's sha256 and its output names. Hub ids (whose files may not be local yet) are loaded.
 */
export async function fingerprintEncoder(options: Pick<LoadEncoderOptions, 'model' | 'dtype' | 'pooling' | 'device' | 'offline' | 'cacheDir'>): Promise<EncoderFingerprint> {
  const tokenizer = await loadTokenizer(options.model ?? DEFAULT_MODEL, { offline: options.offline });
  const source = tokenizer.source;
  if (source.kind !== 'dir') {
    const encoder = await loadEncoder(options);
    await encoder.dispose();
    return { info: encoder.info, tokenizer: encoder.tokenizer };
  }
  const dir = source.path!;
  const fileOf = (dtype: Dtype) => path.join(dir, 'onnx', ONNX_FILES[dtype]);
  const bundledInt8 = path.join(dir, 'onnx', INT8_FILE);
  const isAvailable = (dtype: Dtype) => existsSync(fileOf(dtype)) || (dtype === 'int8' && isSentiInt8File(bundledInt8));
  const requested = options.device ?? 'auto';
  const plan = planDevice(requested, requested === 'cpu' ? { cudaProvider: false } : await probeGpu());
  const dtype = chooseDtype(options.dtype ?? 'fp32', plan.attempts[0]!, isAvailable);
  if (!isAvailable(dtype)) throw new ModelError('MODEL_ENCODER_FILE_MISSING', `encoder file ${fileOf(dtype)} not found; dtype ${dtype} needs onnx/${ONNX_FILES[dtype]} in "${source.id}"`);
  let file = fileOf(dtype);
  if (dtype === 'int8') {
    // The per-token int8 graph senti builds from the fp32 file (once, cached by its hash), or the bundled one.
    file = !existsSync(fileOf('fp32')) ? bundledInt8 : path.join(await perTokenInt8Dir(fileOf('fp32'), path.join(dir, 'config.json'), options.cacheDir), 'onnx', INT8_FILE);
  }
  const [fileHash, outputNames, config] = await Promise.all([
    fileSha256(file),
    onnxOutputNames(file),
    readFile(path.join(source.path!, 'config.json'), 'utf8').then((text) => JSON.parse(text) as Record<string, unknown>),
  ]);
  const pooling = resolvePooling(options.pooling, outputNames, source.id);
  const hiddenSize = Number(config.hidden_size ?? config.dim ?? config.d_model);
  return { info: { model: source.id, fileHash, dtype, pooling, hiddenSize }, tokenizer };
}
