export { Predictor, createPredictor, type CreatePredictorOptions, type ModelLoader, type ModelRef, type PredictorModel, type PredictorOptions, type PredictorSettings, type PredictorState } from './predictor.js';
export { modelId, publicEncoderName, infoFromManifest, type ServedModelInfo } from './served-model-info.js';
export { MicroBatcher, type BatcherOptions } from './micro-batcher.js';
export { loadServableModel, checkServable } from './load-servable-model.js';
export { loadModelInThread } from './model-thread.js';
