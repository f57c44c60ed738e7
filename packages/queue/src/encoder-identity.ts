import { probeGpu, type EncoderInfo, type LoadEncoderOptions } from '@senti/model';
import { fileSha256, planDevice, readModelLayout, resolveEncoderFile, resolvePooling } from '@senti/model/internals';
import { DEFAULT_MODEL, loadTokenizer, localModelSource, resolveModelSource, type SentiTokenizer } from '@senti/tokenize';

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
  const layout = await readModelLayout(source.path!);
  const pooling = resolvePooling(options.pooling, layout, source.id);
  const { dtype, file } = await resolveEncoderFile(source, options.dtype ?? 'fp32', plan.attempts[0]!, { ...options, pooling });
  const fileHash = await fileSha256(file);
  const hiddenSize = layout.hiddenSize;
  return { info: { model: source.id, fileHash, dtype, pooling, hiddenSize }, tokenizer };
}
