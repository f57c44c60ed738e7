// @senti/model's public API: what a user needs to load, run, save and export a model. Every name is listed (no
// `export *`), so the API is this file, not the file tree. Building blocks live behind subpaths:
//   @senti/model/serving    the serving runtime: a Predictor (micro-batching, a bounded queue, warm-up) over a model
//                           on its own thread, what a server needs to describe and check a model
//   @senti/model/layers     the top BERT layers in TensorFlow.js (--unfreeze), their weights and cached states
//   (ONNX reading, writing, surgery, quantizing and graph building are @senti/onnx)
//   @senti/model/internals  encoder, feature-cache and GPU-probe plumbing shared with @senti/train, @senti/queue and tools

// A saved model: load, inspect, save, predict.
export { loadModel, type LoadModelOptions, type PredictOptions, type SentiModel } from './artifact/load-model.js';
export { readManifest } from './artifact/read-manifest.js';
export { resolveModelDir } from './artifact/model-dir.js';
export { saveModel, type SaveModelInput } from './artifact/save-model.js';
export { writeModelCard, type ModelCardInfo } from './artifact/model-card.js';
export { toPredictions, type Prediction } from './artifact/predictions.js';
export { abstainBelow, checkAbstainThreshold, type AnsweredPrediction } from './artifact/abstention.js';
export {
  MANIFEST_FILE,
  type HeadWeightsInfo,
  type ManifestAbstention,
  type ManifestCalibration,
  type ManifestEncoder,
  type SentiManifest,
} from './artifact/manifest.js';

// Word attributions: leave-one-word-out occlusion with the model's own tokenizer window (`model.explain`, `Predictor.explain`).
export {
  DEFAULT_MAX_WORDS,
  explainTexts,
  explanationsHtml,
  markedText,
  planExplanations,
  probabilityRows,
  signedScore,
  splitWords,
  tokenWindowOf,
  UNMARKED_BELOW,
  withoutWords,
  type ExplainedRow,
  type ExplainOptions,
  type Explanation,
  type ExplanationCheck,
  type ExplanationCoverage,
  type ExplanationPlan,
  type ExplanationsHtmlOptions,
  type ProbabilityModel,
  type TokenWindow,
  type WordAttribution,
  type WordSpan,
} from './explain/index.js';

// A Hugging Face export that transformers.js loads with no senti code.
export { exportModel, type ExportModelOptions, type ExportResult } from './export/export-model.js';
export { loadExportedModel, type ExportedModel, type LoadExportedModelOptions } from './export/load-exported-model.js';

// One interface for every classifier (trained, saved, exported, on a thread) and one loader for saved ones.
export type { Classifier, ClassifierInfo } from './predictor/classifier.js';
export { loadClassifier } from './predictor/load-classifier.js';

// The frozen encoder.
export type {
  Device,
  DeviceReport,
  Dtype,
  EncodeTextsOptions,
  Encoder,
  EncoderInfo,
  EncoderLayoutReport,
  LoadEncoderOptions,
  Pooling,
  UsedDevice,
} from './encoder/types.js';
export { loadEncoder } from './encoder/load-encoder.js';
// What an encoder is (files, tokenizer, pooling, device plan) and the identity of its features, with no session started.
export { describeEncoder, planEncoder, type EncoderDescription, type EncoderPlan } from './encoder/describe-encoder.js';
export type { WeightsLayout } from './encoder/model-layout.js';
export { chooseDtype, type DtypeChoice } from './encoder/choose-dtype.js';
export { describeRoute } from './encoder/route.js';
export { probeGpu } from './encoder/gpu-probe.js';
// Starts building the per-token int8 graph early (it overlaps reading the data); loadEncoder joins it.
export { prefetchEncoder } from './encoder/load-encoder.js';
// The ONNX Runtime session options senti runs its graphs with (threads from SENTI_THREADS), for graphs run beside it.
export { sessionOptions } from './encoder/session-options.js';

// The classification head and the TensorFlow.js backend it runs on.
export { ClassificationHead, createHead, type LogProbsOptions } from './head/classification-head.js';
export { resolveHeadConfig, type HeadConfig } from './head/head-config.js';
// Seeded dropout masks, identical in the head and the unfrozen layers (and in any replay of a run).
export { dropoutMask, dropoutMaskTransposed } from './head/dropout-mask.js';
export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  type SelectBackendOptions,
} from './backend/backend-choice.js';
export { selectBackend } from './backend/select-backend.js';

// The on-disk feature cache (encoder features by text, shared between runs and machines).
export { defaultCacheDir } from './cache/cache-dir.js';
export {
  encodeWithCache,
  type DiscardedSegment,
  type EncodeWithCacheOptions,
  type EncodeWithCacheResult,
} from './cache/encode-with-cache.js';
export { directoryFeatureStore, type FeatureStore } from './cache/feature-store-api.js';
export { storeDir, type FeatureIdentity } from './cache/feature-store.js';
// The cache's keys and segment format and the encoder's length batches: what a distributed encoder (@senti/queue) shares.
export { decodeSegment, KEY_BYTES, textKey, type Segment } from './cache/segment-file.js';
export { planLengthBatches, type LengthBatch } from './encoder/batching.js';

// The one reader of SENTI_OFFLINE (1, true or yes), for apps that pass an `offline` flag on.
export { isOffline } from '@senti/tokenize';
