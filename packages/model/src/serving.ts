// `@senti/model/serving`: the serving runtime senti-server runs on, for anyone serving a saved model: a Predictor
// (micro-batching, a token-counted bounded queue, warm-up, deadlines) over a model loaded on its own thread, and what
// a server needs to check and describe the model it serves.
export {
  Predictor,
  PREDICTOR_DEFAULTS,
  createPredictor,
  type CreatePredictorOptions,
  type ModelLoader,
  type ModelRef,
  type PredictorModel,
  type PredictorOptions,
  type PredictorSettings,
  type PredictorState,
} from './predictor/predictor.js';
export { checkServable, loadServableModel } from './predictor/load-classifier.js';
export { loadModelInThread } from './predictor/model-thread.js';
export { infoFromManifest, publicEncoderName, type ServedModelInfo } from './predictor/served-model-info.js';
