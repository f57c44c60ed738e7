import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { probeGpu, type EncoderInfo, type LoadEncoderOptions } from '@senti/model';
import { fileSha256, planDevice, resolveEncoderFile, resolvePooling } from '@senti/model/internals';
import { DEFAULT_MODEL, loadTokenizer, localModelSource, resolveModelSource, type SentiTokenizer } from '@senti/tokenize';
import { onnxOutputNames } from '@senti/model/onnx';

/** What the enqueuer needs of an encoder: the identity of its features and its tokenizer (for lengths). */
export interface EncoderFingerprint {
  info: EncoderInfo;
  tokenizer: SentiTokenizer;
}

/**
 * The identity `loadEncoder` would report for these options, without starting an ONNX Runtime session: tokenizer,
 * config.json, the ONNX file's sha256 and its output names. Hub ids are first downloaded into the Hugging Face cache.
 */
export async function fingerprintEncoder(options: Pick<LoadEncoderOptions, 'model' | 'dtype' | 'pooling' | 'device' | 'offline' | 'cacheDir'>): Promise<EncoderFingerprint> {
  const given = resolveModelSource(options.model ?? DEFAULT_MODEL, { offline: options.offline });
  const source = await localModelSource(given, { weights: options.dtype ?? 'fp32' });
  const tokenizer = await loadTokenizer(source);
  const requested = options.device ?? 'auto';
  const plan = planDevice(requested, requested === 'cpu' ? { cudaProvider: false } : await probeGpu());
  const { dtype, file } = await resolveEncoderFile(source, options.dtype ?? 'fp32', plan.attempts[0]!, options);
  const [fileHash, outputNames, config] = await Promise.all([
    fileSha256(file),
    onnxOutputNames(file),
    readFile(path.join(source.path!, 'config.json'), 'utf8').then((text) => JSON.parse(text) as Record<string, unknown>),
  ]);
  const pooling = resolvePooling(options.pooling, outputNames, source.id);
  const hiddenSize = Number(config.hidden_size ?? config.dim ?? config.d_model);
  return { info: { model: source.id, fileHash, dtype, pooling, hiddenSize }, tokenizer };
}
