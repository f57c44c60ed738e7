export {
  DEFAULT_MODEL,
  isOffline,
  resolveModelSource,
  type ModelSource,
  type ResolveModelSourceOptions,
} from './model-source.js';
export { loadTokenizer, type LoadTokenizerOptions } from './load-tokenizer.js';
export { type SentiTokenizer, type EncodeOptions } from './senti-tokenizer.js';
export type { EncodedBatch, PackOptions, SpecialTokens } from './pack.js';
export { choosePaddingLength, DEFAULT_COVERAGE, type ChoosePaddingLengthOptions } from './padding-length.js';
export { withTransformersEnv, type TransformersEnvSettings } from './transformers-env.js';
export * from './hub/index.js';
