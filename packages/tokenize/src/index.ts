export { DEFAULT_MODEL, isOffline, looksLikePath, resolveModelSource, type ModelSource, type ResolveModelSourceOptions } from './model-source.js';
export { loadTokenizer, loadFromHub, hubLoadError, type LoadTokenizerOptions } from './load-tokenizer.js';
export { wrapTokenizer, type SentiTokenizer, type EncodeOptions } from './senti-tokenizer.js';
export { packTokenIds, type EncodedBatch, type PackOptions, type SpecialTokens } from './pack.js';
export { choosePaddingLength, type ChoosePaddingLengthOptions } from './padding-length.js';
export { resolveModelMaxLength, FALLBACK_MAX_LENGTH } from './model-max-length.js';
export { withTransformersEnv, type TransformersEnvSettings } from './transformers-env.js';
