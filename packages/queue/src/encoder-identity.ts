import { describeEncoder, planEncoder, type EncoderInfo, type LoadEncoderOptions } from '@senti/model';
import type { SentiTokenizer } from '@senti/tokenize';

/** What the enqueuer needs of an encoder: the identity of its features and its tokenizer (for lengths). */
export interface EncoderFingerprint {
  info: EncoderInfo;
  tokenizer: SentiTokenizer;
}

/**
 * The identity `loadEncoder` reports for these options (`describeEncoder`, the same function), without starting an
 * ONNX Runtime session. Hub ids are first downloaded into the Hugging Face cache.
 */
export async function fingerprintEncoder(
  options: Pick<LoadEncoderOptions, 'model' | 'dtype' | 'pooling' | 'device' | 'offline' | 'cacheDir'>,
): Promise<EncoderFingerprint> {
  const planned = await planEncoder(options);
  const { info } = await describeEncoder(planned);
  return { info, tokenizer: planned.tokenizer };
}
