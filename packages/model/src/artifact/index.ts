export {
  HEAD_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type HeadWeightsInfo,
  type ManifestEncoder,
  type SentiManifest,
  type ManifestCalibration,
  type ManifestAbstention,
} from './manifest.js';
export { saveModel, type SaveModelInput } from './save-model.js';
export { readManifest } from './read-manifest.js';
export {
  loadModel,
  encoderCandidates,
  type LoadModelOptions,
  type PredictOptions,
  type SentiModel,
} from './load-model.js';
export { bundleEncoder, BUNDLED_ENCODER_DIR } from './bundle-encoder.js';
export { encoderReference } from './encoder-reference.js';
export { parseHfCachePath, findInHfCache, hfCacheRoots, type HubReference } from './hf-cache.js';
export { toPredictions, type Prediction } from './predictions.js';
export { abstainBelow, checkAbstainThreshold, type AnsweredPrediction } from './abstention.js';
export { libraryVersions } from './library-versions.js';
export { resolveModelDir } from './model-dir.js';
export { writeModelCard, modelCardText, type ModelCardInfo } from './model-card.js';
